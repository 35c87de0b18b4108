using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Engine;
using Metering.Grains.Installs;
using Metering.Grains.Retention;
using Metering.Grains.Storage;
using Metering.Grains.Usage;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using static Metering.Tests.Retention.RetentionRig;

namespace Metering.Tests.Retention;

/// <summary>
/// Which rows the clean-up keeps and which it deletes, against real PostgreSQL, with every time
/// explicit (the default retention: keys 48 hours after their last use). Each test writes its
/// rows at T, T+23h, ... through the ledger's own flush, runs the clean-up as of a chosen time,
/// and reads back exactly what is left.
/// </summary>
public sealed class RetentionRuleTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(RetentionSettings.DefaultRequestIdHours);
    private RetentionRig _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _rig = await RetentionRig.CreateAsync(postgres, "retention-rules");

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private Task<RetentionRun> RunAt(DateTimeOffset now) => _rig.Cleaner().RunOnceAsync(now, Ct);

    [Theory]
    [InlineData(47 * 3600_000L, true)]        // used 47 h ago: kept
    [InlineData(48 * 3600_000L, true)]        // exactly 48 h: kept (deleted only when older)
    [InlineData(48 * 3600_000L + 1, false)]   // 48 h and a millisecond: forgotten
    public async Task Key_UsedAtTheRetentionBoundary_IsKeptUntilStrictlyOlder(long millisecondsLater, bool kept)
    {
        await _rig.Reserve("a", "k", T);
        await _rig.Commit("a", "k", T);

        var run = await RunAt(T.AddMilliseconds(millisecondsLater));

        Assert.Equal(RetentionStatus.Completed, run.Status);
        Assert.Equal(kept ? ["k:commit", "k:reserve"] : [], await _rig.Journal("a"));
        Assert.Equal(kept ? ["k:1"] : [], await _rig.Holds("a"));
        Assert.Equal(kept ? 0 : 2, run.JournalRows);
        Assert.Equal(kept ? 0 : 1, run.Holds);
    }

    [Fact]
    public async Task Key_OldReserveButRecentCommit_KeepsAllItsRows()
    {
        await _rig.Reserve("a", "k", T, ttlSeconds: 86_400);
        await _rig.Commit("a", "k", T.AddHours(23));

        await RunAt(T.AddHours(23) + Retention);                      // the reserve is 71 h old, the commit 48 h
        var journalKept = await _rig.Journal("a");
        var holdsKept = await _rig.Holds("a");
        await RunAt(T.AddHours(23) + Retention + TimeSpan.FromMilliseconds(1));

        Assert.Equal(["k:commit", "k:reserve"], journalKept);
        Assert.Equal(["k:1"], holdsKept);
        Assert.Empty(await _rig.Journal("a"));
        Assert.Empty(await _rig.Holds("a"));
    }

    [Fact]
    public async Task Hold_ClosedBeforeTheCutoff_GoesWithItsJournalRows_OthersStay()
    {
        await _rig.Reserve("a", "released", T);
        await _rig.Release("a", "released", T.AddMinutes(1));
        await _rig.Reserve("a", "recent", T.AddHours(30));
        await _rig.Commit("a", "recent", T.AddHours(30));

        var run = await RunAt(T.AddHours(49));

        Assert.Equal(["recent:commit", "recent:reserve"], await _rig.Journal("a"));
        Assert.Equal(["recent:1"], await _rig.Holds("a"));
        Assert.Equal((2, 1), (run.JournalRows, run.Holds));
    }

    [Fact]
    public async Task Hold_ExpiredAndNeverClosed_GoesWithItsKey()
    {
        await _rig.Reserve("a", "abandoned", T, ttlSeconds: 300);

        var run = await RunAt(T.AddSeconds(300) + Retention + TimeSpan.FromMilliseconds(1));

        Assert.Empty(await _rig.Journal("a"));
        Assert.Empty(await _rig.Holds("a"));
        Assert.Equal((1, 1), (run.JournalRows, run.Holds));
    }

    [Fact]
    public async Task Hold_ExpiringWithinTheRetention_KeepsItsKey()
    {
        // The reserve row is older than the cutoff, but the hold expired after it: its expiry
        // counts as a use, so a late commit or a replay still finds both.
        await _rig.Reserve("a", "long", T, ttlSeconds: 86_400);

        await RunAt(T + Retention + TimeSpan.FromMilliseconds(1));
        var journalKept = await _rig.Journal("a");
        var holdsKept = await _rig.Holds("a");
        await RunAt(T.AddHours(24) + Retention + TimeSpan.FromMilliseconds(1));

        Assert.Equal(["long:reserve"], journalKept);
        Assert.Equal(["long:0"], holdsKept);
        Assert.Empty(await _rig.Journal("a"));
        Assert.Empty(await _rig.Holds("a"));
    }

    [Fact]
    public async Task Hold_StillCounting_KeepsItsKeyWhateverItsAge()
    {
        // Not reachable through the API (a hold lives at most a day), so written as stored data:
        // the rule never deletes a hold that counts.
        await _rig.Reserve("a", "open", T, ttlSeconds: 30 * 86_400);

        var run = await RunAt(T.AddDays(10));

        Assert.Equal(["open:reserve"], await _rig.Journal("a"));
        Assert.Equal(["open:0"], await _rig.Holds("a"));
        Assert.Equal((0, 0), (run.JournalRows, run.Holds));
    }

    [Fact]
    public async Task Grants_AreKeptForever_TheRestOfThePoolGoes()
    {
        await _rig.Keyed("p", "grant-1", Operations.Grant, T, AccountKinds.Pool);
        await _rig.Reserve("p", "call-1", T, kind: AccountKinds.Pool);
        await _rig.Commit("p", "call-1", T, kind: AccountKinds.Pool);
        await _rig.Keyed("p", "free-1", Operations.Usage, T, AccountKinds.Pool);

        var run = await RunAt(T.AddDays(1000));

        Assert.Equal(["grant-1:grant"], await _rig.Journal("p"));
        Assert.Empty(await _rig.Holds("p"));
        Assert.Equal(3, run.JournalRows);
    }

    [Fact]
    public async Task KeyUsedAgainUnderAnotherOperation_CountsAsItsLastUse()
    {
        // A free call and, later, a reservation with the same requestId: one key, used last at T+47h.
        await _rig.Keyed("p", "k", Operations.Usage, T, AccountKinds.Pool);
        await _rig.Reserve("p", "k", T.AddHours(47), kind: AccountKinds.Pool);
        await _rig.Release("p", "k", T.AddHours(47), kind: AccountKinds.Pool);

        await RunAt(T.AddHours(47) + Retention);

        Assert.Equal(["k:release", "k:reserve", "k:usage"], await _rig.Journal("p"));
        Assert.Equal(["k:2"], await _rig.Holds("p"));
    }

    [Fact]
    public void AfterTheRun_ADeletedKeyIsJudgedAfresh_AKeptKeyStillHasItsFirstAnswer()
    {
        var now = T.AddHours(50);
        var (forgotten, remembered, writeForgotten, writeRemembered) = SingleThreadContext.Run(async () =>
        {
            await _rig.Reserve("a", "old", T);
            await _rig.Commit("a", "old", T);
            await _rig.Reserve("a", "recent", T.AddHours(30));
            await RunAt(now);

            // A new activation: it knows only what PostgreSQL still has.
            var ledger = await Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_rig.Store, InstallLedgerKind.Instance, "a", now, []);
            var old = await ledger.FindJournalAsync("old", Operations.Reserve);
            var recent = await ledger.FindJournalAsync("recent", Operations.Reserve);
            // And the journal's unique key, the last guard: the deleted key is new to it, the kept one is not.
            var hold = new StoredHold("x", ReservationState.Reserved, 1, "tag", now, now.AddMinutes(5), "{}", null, null, false);
            var again = await _rig.Store.FlushAsync(new AccountWrite(AccountKinds.Install, "a", ledger.Version, "{}", now, 1,
                [new JournalEntry("old", Operations.Reserve, [9], "{}", now)], [hold with { RequestId = "old" }], []), Ct);
            var replay = await _rig.Store.FlushAsync(new AccountWrite(AccountKinds.Install, "a", ledger.Version + 1, "{}", now, 1,
                [new JournalEntry("recent", Operations.Reserve, [9], "{}", now)], [hold with { RequestId = "recent" }], []), Ct);
            return (old, recent?.Entry.ResponseJson, again.Status, replay.Status);
        });

        Assert.Null(forgotten);
        Assert.Equal("""{"first": "recent:reserve"}""", remembered);
        Assert.Equal(FlushStatus.Committed, writeForgotten);
        Assert.Equal(FlushStatus.DuplicateKeys, writeRemembered);
    }

    [Fact]
    public async Task UsageEvents_OlderThanTheWindowAndItsMargin_AreDeleted_TheirRollupsStay()
    {
        var now = T.AddDays(500);
        var settings = RetentionSettings.Default;
        var cutoff = settings.EventCutoff(now);                       // now - 400 days - 24 hours
        var store = new UsageEventStore(_rig.Store);
        await store.InsertAsync(
        [
            new UsageEvent("older", "t", "d", cutoff.AddMilliseconds(-1), 1, 1, 0.01m),
            new UsageEvent("at-cutoff", "t", "d", cutoff, 1, 1, 0.01m),
            new UsageEvent("refused-but-kept", "t", "d", settings.OldestAcceptedEvent(now).AddMilliseconds(-1), 1, 1, 0.01m),
            new UsageEvent("recent", "t", "d", now.AddDays(-1), 1, 1, 0.01m),
        ], now);

        var run = await RunAt(now);

        Assert.Equal(1, run.UsageEvents);
        Assert.Equal(3, await _rig.Count("SELECT count(*) FROM usage_event WHERE gateway_request_id IN ('at-cutoff', 'refused-but-kept', 'recent')"));
        Assert.Equal(4, await _rig.Count("SELECT sum(requests) FROM usage_rollup_day WHERE tenant_id = 't'"));
    }

    [Fact]
    public async Task AccountsAuditPortDaysBudgetChangesAndRollups_AreNeverDeleted()
    {
        await _rig.Reserve("i", "k", T);
        await _rig.Keyed("port-1", "u", Operations.Usage, T, AccountKinds.Port);
        await _rig.Execute(
            "INSERT INTO pool_audit (pool_id, seq, request_id, billed, usage_type, prompt_tokens, completion_tokens, total_tokens, cost_micros, model, at) " +
            "VALUES ('p', 1, 'k', true, 'chat', 1, 1, 2, 5, 'm', $1)", T);
        await _rig.Execute("INSERT INTO port_usage_day (port_id, day, feature, tokens, calls) VALUES ('port-1', $1, 'chat', 5, 1)", DateOnly.FromDateTime(T.UtcDateTime));
        await _rig.Execute(
            "INSERT INTO port_budget_change (port_id, seq, changed_by, changed_at, enabled, soft_cap_tokens, hard_cap_tokens, period) " +
            "VALUES ('port-1', 1, 'admin', $1, true, 1, 2, 'day')", T);
        await _rig.Execute(
            "INSERT INTO usage_rollup_day (tenant_id, day, deployment_id, input_tokens, output_tokens, requests, customer_charge) " +
            "VALUES ('t', $1, 'd', 1, 1, 1, 0.5)", DateOnly.FromDateTime(T.UtcDateTime));

        var run = await RunAt(T.AddDays(3000));

        Assert.Equal((2, 1), (run.JournalRows, run.Holds));
        Assert.Equal(2, await _rig.Count("SELECT count(*) FROM ledger_account"));
        Assert.Equal(1, await _rig.Count("SELECT count(*) FROM pool_audit"));
        Assert.Equal(1, await _rig.Count("SELECT count(*) FROM port_usage_day"));
        Assert.Equal(1, await _rig.Count("SELECT count(*) FROM port_budget_change"));
        Assert.Equal(1, await _rig.Count("SELECT count(*) FROM usage_rollup_day"));
    }
}
