using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Cluster;

/// <summary>The port grain through the test cluster's client, its periods driven by the fake clock.</summary>
public sealed class PortGrainTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IPortGrain NewPort(out string id)
    {
        id = $"port-{Guid.NewGuid():N}";
        return Fixture.Cluster.Client.GetGrain<IPortGrain>(id);
    }

    private static async Task Use(IPortGrain port, string requestId, long tokens, string feature = "chat")
    {
        var result = await port.RecordUsage(new PortUsageRequest(requestId, tokens / 2, tokens - tokens / 2, "prov", "model", feature));
        Assert.Equal(Outcome.Created, result.Outcome);
    }

    private static async Task<long> Used(IPortGrain port) => (await port.GetUsage(null)).Usage!.UsedTokens;

    [Fact]
    public async Task NewPort_HasTheDefaultBudget_DisabledButRecordingUsage()
    {
        var port = NewPort(out _);

        var budget = (await port.GetBudget()).Budget!;
        var reserve = await port.Reserve(new PortReserveRequest("r1", 10_000_000, "chat"));
        await port.Commit(new PortCommitRequest("r1", 600_000, 1, "prov", "model"));

        Assert.Equal(PortBudget.Default, budget);
        Assert.Equal(Outcome.Created, reserve.Outcome);
        Assert.Null(reserve.Reservation!.Remaining);
        Assert.False(reserve.Reservation.SoftCap);
        Assert.Equal(600_001, await Used(port));
    }

    [Fact]
    public async Task Budget_PartialUpdatesMerge_AndEveryChangeIsStoredWithWhoAndWhen()
    {
        var port = NewPort(out string id);

        var first = await port.SetBudget(new PortBudgetPatch(Enabled: true), "ops-key");
        var second = await port.SetBudget(new PortBudgetPatch(HardCapTokens: 1000, SoftCapTokens: 800, Period: BudgetPeriod.Week), "admin-key");
        var invalid = await port.SetBudget(new PortBudgetPatch(SoftCapTokens: 2000), "admin-key");

        Assert.Equal(new PortBudget(true, 100_000, 500_000, BudgetPeriod.Month, ClusterFixture.Clock.GetUtcNow().TruncateToMs(), "ops-key"), first.Budget);
        Assert.Equal((true, 800L, 1000L, BudgetPeriod.Week, "admin-key"), (second.Budget!.Enabled, second.Budget.SoftCapTokens, second.Budget.HardCapTokens, second.Budget.Period, second.Budget.UpdatedBy));
        Assert.Equal(Outcome.InvalidRequest, invalid.Outcome);
        Assert.Equal(second.Budget, (await port.GetBudget()).Budget);
        await using var db = NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT string_agg(changed_by || ':' || period || ':' || hard_cap_tokens, ',' ORDER BY seq) FROM port_budget_change WHERE port_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        Assert.Equal("ops-key:month:500000,admin-key:week:1000", (string?)await cmd.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Reserve_HardCapAndEstimate_AreRefusedWithUsedAndCap()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 50, 100, BudgetPeriod.Month), "admin");
        await Use(port, "u1", 60);

        var soft = await port.Reserve(new PortReserveRequest("r1", 30, "chat"));
        var estimate = await port.Reserve(new PortReserveRequest("r2", 11, "chat"));
        var exact = await port.Reserve(new PortReserveRequest("r3", 10, "chat"));
        var hard = await port.Reserve(new PortReserveRequest("r4", 0, "chat"));

        Assert.Equal(Outcome.Created, soft.Outcome);
        Assert.True(soft.Reservation!.SoftCap);
        Assert.Equal(10, soft.Reservation.Remaining);
        Assert.Equal(Outcome.EstimatedExceedsCap, estimate.Outcome);
        Assert.Equal(new PortRefusal(60, 100), estimate.Refusal);
        Assert.Equal(Outcome.Created, exact.Outcome);
        Assert.Equal(0, exact.Reservation!.Remaining);
        Assert.Equal(Outcome.HardCapExceeded, hard.Outcome);
        Assert.Equal(new PortRefusal(60, 100), hard.Refusal);
    }

    [Fact]
    public async Task Commit_CountsInputPlusOutput_ByFeature_AndMayPassTheEstimate()
    {
        var port = NewPort(out _);
        await port.Reserve(new PortReserveRequest("r1", 10, "search"));
        await port.Reserve(new PortReserveRequest("r2", 10, "chat"));

        var commit = await port.Commit(new PortCommitRequest("r1", 30, 12, "prov", "m", UserId: "u-1"));
        var moved = await port.Commit(new PortCommitRequest("r2", 1, 2, "prov", "m", Feature: "summarize"));
        await Use(port, "u1", 8, "chat");
        var breakdown = (await port.GetBreakdown()).Items;
        var search = (await port.GetUsage("search")).Usage!;

        Assert.Equal(("search", 42L, "u-1"), (commit.Receipt!.Feature, commit.Receipt.Tokens, commit.Receipt.UserId));
        Assert.Equal("summarize", moved.Receipt!.Feature);
        Assert.Equal([new PortFeatureUsage("chat", 8, 1), new PortFeatureUsage("search", 42, 1), new PortFeatureUsage("summarize", 3, 1)], breakdown);
        Assert.Equal(42, search.UsedTokens);
        Assert.Equal(0, search.ReservedTokens);
        Assert.Equal(53, await Used(port));
    }

    [Fact]
    public async Task UsageByFeature_CountsItsOwnHolds()
    {
        var port = NewPort(out _);
        await port.Reserve(new PortReserveRequest("r1", 15, "chat"));
        await port.Reserve(new PortReserveRequest("r2", 4, "image"));

        var chat = (await port.GetUsage("chat")).Usage!;
        var all = (await port.GetUsage(null)).Usage!;

        Assert.Equal(15, chat.ReservedTokens);
        Assert.Equal(19, all.ReservedTokens);
    }

    [Fact]
    public async Task DayPeriod_EndsAtMidnightUtc()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 10, 20, BudgetPeriod.Day), "admin");
        var midnight = ClockMoves.NextMidnight();
        ClockMoves.To(midnight.AddSeconds(-1));
        await Use(port, "u1", 20);

        var lastSecond = await port.Reserve(new PortReserveRequest("r1", 1, "chat"));
        ClockMoves.To(midnight);
        var newDay = await port.Reserve(new PortReserveRequest("r2", 1, "chat"));
        var usage = (await port.GetUsage(null)).Usage!;

        Assert.Equal(Outcome.HardCapExceeded, lastSecond.Outcome);
        Assert.Equal(Outcome.Created, newDay.Outcome);
        Assert.Equal(0, usage.UsedTokens);
        Assert.Equal(midnight, usage.PeriodStart);
    }

    [Fact]
    public async Task WeekPeriod_RunsFromMondayToSunday()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 10, 20, BudgetPeriod.Week), "admin");
        var monday = ClockMoves.NextMonday(daysAhead: 7);
        ClockMoves.To(monday.AddDays(-6)); // Tuesday of the week before
        await Use(port, "tuesday", 5);
        ClockMoves.To(monday.AddSeconds(-1)); // Sunday 23:59:59
        await Use(port, "sunday", 6);

        long sunday = await Used(port);
        ClockMoves.To(monday);
        long mondayUsed = await Used(port);

        Assert.Equal(11, sunday);
        Assert.Equal(0, mondayUsed);
        Assert.Equal(monday, (await port.GetUsage(null)).Usage!.PeriodStart);
    }

    [Fact]
    public async Task MonthPeriod_EndsOnTheLastDay()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 10, 20, BudgetPeriod.Month), "admin");
        var first = ClockMoves.NextFirstOfMonth();
        ClockMoves.To(first.AddSeconds(-1));
        await Use(port, "u1", 20);

        var full = await port.Reserve(new PortReserveRequest("r1", 1, "chat"));
        ClockMoves.To(first);
        var fresh = await port.Reserve(new PortReserveRequest("r2", 20, "chat"));

        Assert.Equal(Outcome.HardCapExceeded, full.Outcome);
        Assert.Equal(Outcome.Created, fresh.Outcome);
        Assert.Equal(0, fresh.Reservation!.UsedTokens);
    }

    [Fact]
    public async Task SwitchingPeriod_AppliesToUsageAlreadyRecorded()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 10, 100, BudgetPeriod.Month), "admin");
        // Two days in one month: yesterday's use and today's.
        var first = ClockMoves.NextFirstOfMonth();
        ClockMoves.To(first.AddDays(1).AddHours(12));
        await Use(port, "yesterday", 30);
        ClockMoves.To(first.AddDays(2).AddHours(12));
        await Use(port, "today", 40);

        long month = await Used(port);
        await port.SetBudget(new PortBudgetPatch(Period: BudgetPeriod.Day), "admin");
        long day = await Used(port);
        await port.SetBudget(new PortBudgetPatch(Period: BudgetPeriod.Month), "admin");

        Assert.Equal(70, month);
        Assert.Equal(40, day);
        Assert.Equal(70, await Used(port));
    }

    [Fact]
    public async Task LeapDay_IsInFebruary()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 10, 100, BudgetPeriod.Month), "admin");
        var leap = new DateTimeOffset(2028, 2, 29, 23, 0, 0, TimeSpan.Zero);
        if (ClusterFixture.Clock.GetUtcNow() > leap.AddDays(-1))
        {
            leap = new DateTimeOffset(2032, 2, 29, 23, 0, 0, TimeSpan.Zero);
        }

        ClockMoves.To(leap.AddDays(-1)); // February 28th
        await Use(port, "feb28", 10);
        ClockMoves.To(leap);
        await Use(port, "feb29", 20);

        long february = await Used(port);
        ClockMoves.To(leap.AddHours(1)); // March 1st, 00:00
        long march = await Used(port);

        Assert.Equal(30, february);
        Assert.Equal(0, march);
    }

    [Fact]
    public async Task UsageSurvivesReactivation_AndReplaysComeFromTheJournal()
    {
        var port = NewPort(out _);
        await Use(port, "u1", 12, "chat");
        var first = await port.RecordUsage(new PortUsageRequest("u2", 1, 2, "prov", "m", "image"));
        await Fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);

        var replay = await port.RecordUsage(new PortUsageRequest("u2", 1, 2, "prov", "m", "image"));
        var conflict = await port.RecordUsage(new PortUsageRequest("u2", 1, 3, "prov", "m", "image"));

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Receipt, replay.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, conflict.Outcome);
        Assert.Equal(15, await Used(port));
    }

    [Fact]
    public async Task ParallelReserves_NeverPassTheHardCap()
    {
        var port = NewPort(out _);
        await port.SetBudget(new PortBudgetPatch(true, 1_000, 10_000, BudgetPeriod.Day), "admin");

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => port.Reserve(new PortReserveRequest($"r{i}", 70, $"f{i % 5}"))));

        int created = results.Count(r => r.Outcome == Outcome.Created);
        Assert.Equal(10_000 / 70, created);
        Assert.All(results.Where(r => r.Outcome != Outcome.Created), r => Assert.Contains(r.Outcome, new[] { Outcome.EstimatedExceedsCap, Outcome.HardCapExceeded }));
        Assert.Equal(created * 70L, (await port.GetUsage(null)).Usage!.ReservedTokens);
    }

    [Fact]
    public async Task FeatureBound_CountsUsageAndOpenHolds_AndNoCommitCanPassIt()
    {
        var port = NewPort(out _);
        foreach (var chunk in Enumerable.Range(0, Limits.MaxFeaturesPerPort - 1).Chunk(200))
        {
            await Task.WhenAll(chunk.Select(i => Use(port, $"u{i}", 2, $"f{i}")));
        }

        var lastPlace = await port.Reserve(new PortReserveRequest("held", 1, "held-feature")); // the 1,000th, by a hold
        var newUsage = await port.RecordUsage(new PortUsageRequest("extra", 1, 1, "p", "m", "brand-new"));
        var newReserve = await port.Reserve(new PortReserveRequest("r2", 1, "brand-new"));
        var knownReserve = await port.Reserve(new PortReserveRequest("r3", 1, "f7"));
        var commitElsewhere = await port.Commit(new PortCommitRequest("held", 1, 1, "p", "m", Feature: "also-new"));
        var commitAsReserved = await port.Commit(new PortCommitRequest("held", 1, 1, "p", "m"));
        var commitKnownElsewhere = await port.Commit(new PortCommitRequest("r3", 1, 1, "p", "m", Feature: "f8"));

        Assert.Equal(Outcome.Created, lastPlace.Outcome);
        Assert.Equal(Outcome.TooManyFeatures, newUsage.Outcome);
        Assert.Equal(Outcome.TooManyFeatures, newReserve.Outcome);
        Assert.Equal(Outcome.Created, knownReserve.Outcome);
        Assert.Equal(Outcome.TooManyFeatures, commitElsewhere.Outcome); // nothing recorded: commit again under the reservation's feature
        Assert.Equal(Outcome.Ok, commitAsReserved.Outcome);
        Assert.Equal(Outcome.Ok, commitKnownElsewhere.Outcome);
        Assert.Equal((Limits.MaxFeaturesPerPort - 1) * 2L + 4, await Used(port));
        Assert.Equal(Limits.MaxFeaturesPerPort, (await port.GetBreakdown()).Items.Count);
    }

    [Fact]
    public async Task CommitAndRelease_Replays_GiveTheFirstAnswer_AndCountOnce()
    {
        var port = NewPort(out _);
        await port.Reserve(new PortReserveRequest("c", 5, "chat"));
        await port.Reserve(new PortReserveRequest("r", 5, "chat"));

        var commit = await port.Commit(new PortCommitRequest("c", 3, 4, "p", "m"));
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var commitAgain = await port.Commit(new PortCommitRequest("c", 3, 4, "p", "m", Feature: "chat")); // same effective body
        var commitOther = await port.Commit(new PortCommitRequest("c", 3, 5, "p", "m"));
        var release = await port.Release("r");
        var releaseAgain = await port.Release("r");

        Assert.Equal(Outcome.Replayed, commitAgain.Outcome);
        Assert.Equal(commit.Receipt, commitAgain.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, commitOther.Outcome);
        Assert.Equal(Outcome.Replayed, releaseAgain.Outcome);
        Assert.Equal(release.Receipt, releaseAgain.Receipt);
        Assert.Equal(7, await Used(port));
        Assert.Equal([new PortFeatureUsage("chat", 7, 1)], (await port.GetBreakdown()).Items);
    }

    [Fact]
    public async Task ReleaseAndCommit_FollowTheLifecycle()
    {
        var port = NewPort(out _);
        await port.Reserve(new PortReserveRequest("a", 5, "chat"));
        await port.Reserve(new PortReserveRequest("b", 5, "chat", TtlSeconds: 1));

        var release = await port.Release("a");
        var commitReleased = await port.Commit(new PortCommitRequest("a", 1, 1, "p", "m"));
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var late = await port.Commit(new PortCommitRequest("b", 2, 2, "p", "m"));
        var unknown = await port.Release("nope");

        Assert.Equal(ReservationState.Released, release.Receipt!.State);
        Assert.Equal(Outcome.ReservationNotOpen, commitReleased.Outcome);
        Assert.True(late.Receipt!.Late);
        Assert.Equal(ReservationState.Committed, (await port.GetReservation("b")).Reservation!.State);
        Assert.Equal(Outcome.NotFound, unknown.Outcome);
    }
}
