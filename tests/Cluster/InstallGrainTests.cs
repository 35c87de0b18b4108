using Microsoft.Extensions.DependencyInjection;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Tests.Support;

namespace Metering.Tests.Cluster;

/// <summary>The install grain through the test cluster's client, against real PostgreSQL.</summary>
public sealed class InstallGrainTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static int _next;

    private IGrainFactory Grains => Fixture.Cluster.Client;

    private static string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";

    private IInstallGrain Install(string id) => Grains.GetGrain<IInstallGrain>(id);

    [Fact]
    public async Task NeverSeenInstall_ReadsAsBlankCoreRow()
    {
        var result = await Install(NewId("blank")).GetAccount();

        Assert.Equal(Outcome.Ok, result.Outcome);
        var account = result.Account!;
        Assert.Equal(Tier.Core, account.Tier);
        Assert.Equal(0, account.LifetimeConsumed);
        Assert.Equal(0, account.Reserved);
        Assert.Equal(100, account.Remaining);
        Assert.Null(account.GeminiRemaining);
        Assert.Equal(QuotaBasis.Lifetime, account.Capped);
        Assert.Null(account.LastActiveAt);
        Assert.Matches(@"^\d{4}-\d{2}$", account.Month);
    }

    [Fact]
    public async Task ReserveCommit_CountsOnTheTiersCounters()
    {
        var install = Install(NewId("flow"));

        var reserve = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 3));
        var commit = await install.Commit(new InstallCommitRequest("r1", Credits: 5));
        var account = (await install.GetAccount()).Account!;

        Assert.Equal(Outcome.Created, reserve.Outcome);
        Assert.Equal(97, reserve.Reservation!.Remaining);
        Assert.Equal(Backend.Gemini, reserve.Reservation.Backend);
        Assert.Equal(Outcome.Ok, commit.Outcome);
        Assert.Equal(95, commit.Receipt!.Remaining);
        Assert.False(commit.Receipt.Late);
        Assert.Equal(5, account.LifetimeConsumed);
        Assert.Equal(5, account.LifetimeGeminiConsumed);
        Assert.Equal(0, account.MonthlyConsumed);
        Assert.Equal(0, account.Reserved);
        Assert.Equal(95, account.Remaining);
    }

    [Fact]
    public async Task Reserve_Replayed_ReturnsFirstAnswerAndHoldsNothingMore()
    {
        var install = Install(NewId("replay"));
        var request = new InstallReserveRequest("r1", Tier.Core, true, 10);

        var first = await install.Reserve(request);
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await install.Reserve(request);

        Assert.Equal(Outcome.Created, first.Outcome);
        Assert.Equal(Outcome.Replayed, second.Outcome);
        Assert.Equal(first.Reservation, second.Reservation);
        Assert.Equal(10, (await install.GetAccount()).Account!.Reserved);
    }

    [Fact]
    public async Task Reserve_SameRequestIdOtherBody_IsAConflictAndChangesNothing()
    {
        var install = Install(NewId("conflict"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 1));

        var other = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 2));

        Assert.Equal(Outcome.RequestIdConflict, other.Outcome);
        Assert.Equal(1, (await install.GetAccount()).Account!.Reserved);
    }

    [Fact]
    public async Task Commit_Repeated_ReturnsFirstAnswer_OtherBodyConflicts()
    {
        var install = Install(NewId("commit"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 2));

        var first = await install.Commit(new InstallCommitRequest("r1"));
        var same = await install.Commit(new InstallCommitRequest("r1", Backend.Gemini, 2)); // same effective values
        var other = await install.Commit(new InstallCommitRequest("r1", Credits: 3));

        Assert.Equal(Outcome.Ok, first.Outcome);
        Assert.Equal(Outcome.Replayed, same.Outcome);
        Assert.Equal(first.Receipt, same.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, other.Outcome);
        Assert.Equal(2, (await install.GetAccount()).Account!.LifetimeConsumed);
    }

    [Fact]
    public async Task CommitAfterRelease_AndReleaseAfterCommit_AreNotOpen()
    {
        var install = Install(NewId("notopen"));
        await install.Reserve(new InstallReserveRequest("a", Tier.Core, false));
        await install.Reserve(new InstallReserveRequest("b", Tier.Core, false));

        var released = await install.Release("a");
        var releasedAgain = await install.Release("a");
        var commitReleased = await install.Commit(new InstallCommitRequest("a"));
        await install.Commit(new InstallCommitRequest("b"));
        var releaseCommitted = await install.Release("b");

        Assert.Equal(Outcome.Ok, released.Outcome);
        Assert.Equal(ReservationState.Released, released.Receipt!.State);
        Assert.Equal(Outcome.Replayed, releasedAgain.Outcome);
        Assert.Equal(released.Receipt, releasedAgain.Receipt);
        Assert.Equal(Outcome.ReservationNotOpen, commitReleased.Outcome);
        Assert.Equal(Outcome.ReservationNotOpen, releaseCommitted.Outcome);
        var account = (await install.GetAccount()).Account!;
        Assert.Equal(1, account.LifetimeConsumed);
        Assert.Equal(0, account.Reserved);
    }

    [Fact]
    public async Task UnknownReservation_IsNotFound()
    {
        var install = Install(NewId("unknown"));

        Assert.Equal(Outcome.NotFound, (await install.Commit(new InstallCommitRequest("nope"))).Outcome);
        Assert.Equal(Outcome.NotFound, (await install.Release("nope")).Outcome);
        Assert.Equal(Outcome.NotFound, (await install.GetReservation("nope")).Outcome);
    }

    [Fact]
    public async Task Hold_ExpiresByTheClock_AndALateCommitIsStillRecorded()
    {
        var install = Install(NewId("expiry"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 40, TtlSeconds: 60));
        Assert.Equal(40, (await install.GetAccount()).Account!.Reserved);

        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(ReservationState.Reserved, (await install.GetReservation("r1")).Reservation!.State);
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var view = (await install.GetReservation("r1")).Reservation!;
        var account = (await install.GetAccount()).Account!;
        var late = await install.Commit(new InstallCommitRequest("r1", Credits: 7));

        Assert.Equal(ReservationState.Expired, view.State);
        Assert.Equal(0, account.Reserved);
        Assert.Equal(100, account.Remaining);
        Assert.Equal(Outcome.Ok, late.Outcome);
        Assert.True(late.Receipt!.Late);
        Assert.Equal(93, late.Receipt.Remaining);
        Assert.Equal(ReservationState.Committed, (await install.GetReservation("r1")).Reservation!.State);
    }

    [Fact]
    public async Task ReleaseAfterExpiry_AnswersExpired_ThenCommitIsNotOpen()
    {
        var install = Install(NewId("relexp"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 5, TtlSeconds: 1));
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(2));

        var release = await install.Release("r1");
        var commit = await install.Commit(new InstallCommitRequest("r1"));

        Assert.Equal(Outcome.Ok, release.Outcome);
        Assert.Equal(ReservationState.Expired, release.Receipt!.State);
        Assert.Equal(Outcome.ReservationNotOpen, commit.Outcome);
        Assert.Equal(ReservationState.Expired, (await install.GetReservation("r1")).Reservation!.State);
    }

    [Fact]
    public async Task NewMonth_StartsMonthlyCountersAtZero_AndKeepsLifetime()
    {
        var install = Install(NewId("month"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Pro, false, 600));
        await install.Commit(new InstallCommitRequest("r1"));
        var before = (await install.GetAccount()).Account!;

        var now = ClusterFixture.Clock.GetUtcNow();
        var firstOfNextMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        ClusterFixture.Clock.Advance(firstOfNextMonth - now);
        var after = (await install.GetAccount()).Account!;
        var big = await install.Reserve(new InstallReserveRequest("r2", Tier.Pro, false, 1000));

        Assert.Equal(600, before.MonthlyConsumed);
        Assert.Equal(400, before.Remaining);
        Assert.Equal(0, after.MonthlyConsumed);
        Assert.Equal(1000, after.Remaining);
        Assert.NotEqual(before.Month, after.Month);
        Assert.Equal(Outcome.Created, big.Outcome);
        Assert.Equal(0, big.Reservation!.Remaining);
    }

    [Fact]
    public async Task ClockBehindTheStoredMonth_KeepsThatMonthsCounters()
    {
        string id = NewId("clock-behind");
        var install = Install(id);
        await install.Reserve(new InstallReserveRequest("r1", Tier.Pro, false, 600));
        await install.Commit(new InstallCommitRequest("r1"));
        // A silo whose clock is a month ahead wrote the account last: its use belongs to that month.
        string ahead = UtcCalendarMonth(ClusterFixture.Clock.GetUtcNow().AddMonths(1));
        await using (var db = Npgsql.NpgsqlDataSource.Create(Fixture.ConnectionString))
        await using (var update = db.CreateCommand(
            "UPDATE ledger_account SET state = jsonb_set(state, '{month}', to_jsonb($2::text)), version = version + 1 WHERE kind = 'install' AND account_id = $1"))
        {
            update.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = id });
            update.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = ahead });
            Assert.Equal(1, await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var account = (await install.GetAccount()).Account!;
        var tooMuch = await install.Reserve(new InstallReserveRequest("r2", Tier.Pro, false, 500));

        Assert.Equal(ahead, account.Month);
        Assert.Equal(600, account.MonthlyConsumed);
        Assert.Equal(400, account.Remaining);
        Assert.Equal(Outcome.OutOfCredits, tooMuch.Outcome);
    }

    [Fact]
    public async Task Commit_OfAHoldReservedUnderAnotherTier_CountsOnThatTiersCounters()
    {
        var install = Install(NewId("tier-commit"));
        await install.Reserve(new InstallReserveRequest("core-hold", Tier.Core, false, 3));
        await install.Reserve(new InstallReserveRequest("pro-hold", Tier.Pro, false, 2));

        var commit = await install.Commit(new InstallCommitRequest("core-hold"));
        var account = (await install.GetAccount()).Account!;

        Assert.Equal(Outcome.Ok, commit.Outcome);
        Assert.Equal(Tier.Pro, account.Tier);
        Assert.Equal(3, account.LifetimeConsumed);
        Assert.Equal(0, account.MonthlyConsumed);
        Assert.Equal(1000 - 2, commit.Receipt!.Remaining);
    }

    private static string UtcCalendarMonth(DateTimeOffset at) => $"{at.UtcDateTime.Year:D4}-{at.UtcDateTime.Month:D2}";

    [Fact]
    public async Task TierQuotaChange_ReachesTheQuotaCacheOfEverySilo_BeforeThePutAnswers()
    {
        var caches = Fixture.Cluster.Silos
            .Select(silo => ((Orleans.TestingHost.InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<Metering.Grains.Installs.TierQuotasCache>())
            .ToList();
        Assert.Equal(2, caches.Count);
        // Every silo's cache subscribes and holds the defaults (core: 100 lifetime credits).
        Assert.All(await Task.WhenAll(caches.Select(c => c.GetAsync())), q => Assert.Equal(100, q.Core.Lifetime));

        Assert.Equal(Outcome.Ok, (await Grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Set(Tier.Core, new TierQuota(5, null, null, null))).Outcome);

        // Read from memory (the renewal is seconds away): the notice arrived before Set answered.
        Assert.All(await Task.WhenAll(caches.Select(c => c.GetAsync())), q => Assert.Equal(5, q.Core.Lifetime));
        var install = Install(NewId("quota-cache"));
        var refused = await install.Reserve(new InstallReserveRequest("big", Tier.Core, false, 6));
        Assert.Equal((Outcome.OutOfCredits, (long?)5), (refused.Outcome, refused.Remaining));
    }

    [Fact]
    public async Task GeminiCap_FallsBackToHardware_ElseRefuses()
    {
        var quotas = Grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        Assert.Equal(Outcome.Ok, (await quotas.Set(Tier.Core, new TierQuota(10, null, 3, null))).Outcome);
        var install = Install(NewId("gemini"));

        var g1 = await install.Reserve(new InstallReserveRequest("g1", Tier.Core, false, 2));
        var g2 = await install.Reserve(new InstallReserveRequest("g2", Tier.Core, false, 2)); // 1 left under the cap
        var h1 = await install.Reserve(new InstallReserveRequest("h1", Tier.Core, true, 2));
        await install.Commit(new InstallCommitRequest("g1"));
        var g3 = await install.Reserve(new InstallReserveRequest("g3", Tier.Core, false, 1));
        var out1 = await install.Reserve(new InstallReserveRequest("o1", Tier.Core, true, 6));

        Assert.Equal(Backend.Gemini, g1.Reservation!.Backend);
        Assert.Equal(1, g1.Reservation.GeminiRemaining);
        Assert.Equal(Outcome.GeminiCapExceededNoHardware, g2.Outcome);
        Assert.Equal(1, g2.GeminiRemaining);
        Assert.Equal(8, g2.Remaining);
        Assert.Equal(Backend.Hardware, h1.Reservation!.Backend);
        Assert.Equal(1, h1.Reservation.GeminiRemaining);
        Assert.Equal(Backend.Gemini, g3.Reservation!.Backend);
        Assert.Equal(0, g3.Reservation.GeminiRemaining);
        Assert.Equal(Outcome.OutOfCredits, out1.Outcome);
        Assert.Equal(5, out1.Remaining);
        var account = (await install.GetAccount()).Account!;
        Assert.Equal(2, account.LifetimeGeminiConsumed);
        Assert.Equal(3, account.Reserved);
    }

    [Fact]
    public async Task TierQuotas_AreStoredDurably()
    {
        var quotas = Grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        var quota = new TierQuota(null, 777, null, 70);

        await quotas.Set(Tier.Pro, quota);
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);

        Assert.Equal(quota, (await quotas.Get()).Pro);
    }

    [Fact]
    public async Task TierInReservation_BecomesTheInstallsTier()
    {
        var install = Install(NewId("tier"));
        await install.Reserve(new InstallReserveRequest("r1", Tier.Max, false, 50));

        var account = (await install.GetAccount()).Account!;

        Assert.Equal(Tier.Max, account.Tier);
        Assert.Null(account.Remaining);
        Assert.Equal(QuotaBasis.Monthly, account.Capped);
    }

    [Fact]
    public async Task Refusal_IsNotStored_AndARetryIsJudgedAfresh()
    {
        var quotas = Grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        var install = Install(NewId("refused"));
        await quotas.Set(Tier.Core, new TierQuota(1, null, null, null));

        var refused = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 2));
        await quotas.Set(Tier.Core, new TierQuota(5, null, null, null));
        var retried = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 2));

        Assert.Equal(Outcome.OutOfCredits, refused.Outcome);
        Assert.Equal(Outcome.Created, retried.Outcome);
    }

    [Fact]
    public async Task InvalidInput_IsRefusedAndChangesNothing()
    {
        var install = Install(NewId("invalid"));

        var badId = await install.Reserve(new InstallReserveRequest("bad id", Tier.Core, false));
        var badCredits = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, -1));
        var badTtl = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 1, 0));
        var badInstall = await Grains.GetGrain<IInstallGrain>("no spaces allowed").Reserve(new InstallReserveRequest("r1", Tier.Core, false));

        Assert.Equal(Outcome.InvalidRequest, badId.Outcome);
        Assert.Contains("requestId", badId.Errors!.Fields.Keys);
        Assert.Equal(Outcome.InvalidRequest, badCredits.Outcome);
        Assert.Equal(Outcome.InvalidRequest, badTtl.Outcome);
        Assert.Equal(Outcome.InvalidRequest, badInstall.Outcome);
        Assert.Null((await install.GetAccount()).Account!.LastActiveAt);
    }

    [Fact]
    public async Task AcknowledgedWrites_SurviveDeactivation_AndOldReplaysComeFromTheJournal()
    {
        string id = NewId("durable");
        var install = Install(id);
        var reserve = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 4));
        await install.Reserve(new InstallReserveRequest("r2", Tier.Core, false, 6));
        await install.Commit(new InstallCommitRequest("r2"));

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var account = (await install.GetAccount()).Account!;
        var replay = await install.Reserve(new InstallReserveRequest("r1", Tier.Core, false, 4));

        Assert.Equal(6, account.LifetimeConsumed);
        Assert.Equal(4, account.Reserved);
        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(reserve.Reservation, replay.Reservation);
    }

    [Fact]
    public async Task ReplayOfAKeyMemoryForgot_IsAnsweredAsAReplay_NeverAppliedTwice()
    {
        string id = NewId("forgot");
        var install = Install(id);
        int count = Limits.JournalEntriesLoadedAtActivation + 50;
        var first = await install.Reserve(new InstallReserveRequest("k0", Tier.Max, false, 0));
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1)); // every later entry is newer: k0 is not among those loaded
        await Task.WhenAll(Enumerable.Range(1, count).Select(i => install.Reserve(new InstallReserveRequest($"k{i}", Tier.Max, false, 0))));
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);

        // Looked up in the journal before deciding: the first attempt is the replay.
        var replay = await install.Reserve(new InstallReserveRequest("k0", Tier.Max, false, 0));

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Reservation, replay.Reservation);
        await using var db = Npgsql.NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var holds = db.CreateCommand($"SELECT count(*) FROM ledger_hold WHERE account_id = '{id}'");
        await using var journal = db.CreateCommand($"SELECT count(*) FROM ledger_journal WHERE account_id = '{id}' AND op_key = 'k0'");
        Assert.Equal((long)count + 1, (long)(await holds.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        Assert.Equal(1L, (long)(await journal.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }
}
