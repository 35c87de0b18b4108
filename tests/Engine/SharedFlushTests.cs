using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;
using Metering.Grains.Engine;
using Metering.Grains.Installs;
using Metering.Grains.Storage;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Engine;

/// <summary>
/// The silo's shared flush (<see cref="LedgerWriter"/>) against real PostgreSQL: many accounts of
/// every kind in one transaction, an account that fails its fence or its keys failing alone, a
/// storage failure failing every caller of that transaction with nothing committed, and its bounds.
/// "One transaction" is read off PostgreSQL itself: rows written by one transaction share its xmin.
/// </summary>
public sealed class SharedFlushTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly GroupCommitBounds OneWriter = new(MaxBatchItems: 256, MaxBatchWeight: 4096, MaxQueuedWeight: 65_536, Writers: 1);
    private string _connectionString = null!;
    private NpgsqlDataSource _db = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await MeteringDatabase.CreateAsync(postgres, "shared_flush");
        _db = NpgsqlDataSource.Create(_connectionString);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task OneTransaction_CarriesAccountsOfEveryKind_WithTheirOwnRows()
    {
        var store = new LedgerStore(_db);
        var audit = new PoolUsageRecord("r-pool", "premium", 10, 20, 30, 500, "model-a", null, Billed: true, T0, Sequence: 1);
        var budget = new PortBudget(true, 100, 1_000, BudgetPeriod.Day, T0, "ops");
        var writes = new[]
        {
            Write(AccountKinds.Install, "inst-1", 0, ["r-inst"]),
            Write(AccountKinds.Pool, "pool-1", 0, ["r-pool"], new PoolAuditRow(audit)),
            Write(AccountKinds.Port, "port-1", 0, ["r-port"], new PortUsageIncrement(DateOnly.FromDateTime(T0.UtcDateTime), "chat", 40, 1), new PortBudgetChange(1, budget, "ops", T0)),
        };

        var attempt = await store.TryFlushAsync(writes, Ct);

        Assert.True(attempt.Committed);
        Assert.Equal(3L, await Scalar("SELECT count(*) FROM ledger_account WHERE version = 1"));
        Assert.Equal(3L, await Scalar("SELECT count(*) FROM ledger_journal"));
        Assert.Equal(3L, await Scalar("SELECT count(*) FROM ledger_hold"));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM pool_audit WHERE pool_id = 'pool-1' AND cost_micros = 500"));
        Assert.Equal(40L, await Scalar("SELECT tokens FROM port_usage_day WHERE port_id = 'port-1' AND feature = 'chat'"));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM port_budget_change WHERE port_id = 'port-1' AND hard_cap_tokens = 1000"));
        Assert.Equal(1L, await Scalar(
            "SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM ledger_account UNION ALL SELECT xmin::text FROM ledger_journal " +
            "UNION ALL SELECT xmin::text FROM ledger_hold UNION ALL SELECT xmin::text FROM pool_audit " +
            "UNION ALL SELECT xmin::text FROM port_usage_day UNION ALL SELECT xmin::text FROM port_budget_change) AS rows"));
    }

    [Fact]
    public async Task Writer_WritesQueuedWhileItCommits_ShareTheNextTransaction()
    {
        var store = new LedgerStore(_db, OneWriter);
        await Committed(store, Write(AccountKinds.Install, "blocker", 0, ["b0"]));

        var (blocked, rowLock) = await BlockTheWriter(store, "blocker");
        var writes = Enumerable.Range(0, 5).Select(i => store.Writer.WriteAsync(Write(AccountKinds.Pool, $"p{i}", 0, [$"k{i}"]))).ToList();
        Assert.All(writes, w => Assert.False(w.IsCompleted)); // nothing is answered before its commit
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();

        Assert.Equal(FlushStatus.Committed, (await blocked).Status);
        Assert.All(await Task.WhenAll(writes), o => Assert.Equal(FlushStatus.Committed, o.Status));
        Assert.Equal(1L, await Scalar("SELECT count(DISTINCT xmin::text) FROM ledger_account WHERE kind = 'pool'"));
        Assert.Equal(0L, await Scalar(
            "SELECT count(*) FROM ledger_account p JOIN ledger_account b ON b.account_id = 'blocker' AND p.xmin::text = b.xmin::text WHERE p.kind = 'pool'"));
    }

    [Fact]
    public async Task FencedAccount_FailsAlone_TheOthersInItsTransactionCommit()
    {
        var store = new LedgerStore(_db, OneWriter);
        await Committed(store, Write(AccountKinds.Port, "taken", 0, ["first"]));
        var (blocked, rowLock) = await BlockTheWriter(store, "taken", fence: true, kind: AccountKinds.Port);

        // Another activation moved "taken" to version 2 (the fence); this one still believes 1.
        var stale = store.Writer.WriteAsync(Write(AccountKinds.Port, "taken", 1, ["from-stale"]));
        var others = new[] { "a", "b" }.Select(id => store.Writer.WriteAsync(Write(AccountKinds.Pool, id, 0, [$"k-{id}"]))).ToList();
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();

        Assert.Equal(FlushStatus.Fenced, (await blocked).Status);
        Assert.Equal(FlushStatus.Fenced, (await stale).Status);
        Assert.All(await Task.WhenAll(others), o => Assert.Equal(FlushStatus.Committed, o.Status));
        Assert.Equal(2L, await Scalar("SELECT version FROM ledger_account WHERE account_id = 'taken'"));
        Assert.Equal(0L, await Scalar("SELECT count(*) FROM ledger_journal WHERE op_key = 'from-stale'"));
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM ledger_journal WHERE kind = 'pool'"));
    }

    [Fact]
    public async Task ConflictingKey_FailsThatAccountAlone_AndNamesTheKey()
    {
        var store = new LedgerStore(_db, OneWriter);
        await Committed(store, Write(AccountKinds.Install, "dupes", 0, ["old"]));
        var (blocked, rowLock) = await BlockTheWriter(store, "dupes");

        var replay = store.Writer.WriteAsync(Write(AccountKinds.Install, "dupes", 2, ["old", "new"]));
        var others = new[] { "c", "d" }.Select(id => store.Writer.WriteAsync(Write(AccountKinds.Install, id, 0, ["old"]))).ToList();
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();

        Assert.Equal(FlushStatus.Committed, (await blocked).Status);
        var outcome = await replay;
        Assert.Equal(FlushStatus.DuplicateKeys, outcome.Status);
        Assert.Equal([("old", Operations.Reserve)], outcome.DuplicateKeys);
        Assert.All(await Task.WhenAll(others), o => Assert.Equal(FlushStatus.Committed, o.Status));
        Assert.Equal(2L, await Scalar("SELECT version FROM ledger_account WHERE account_id = 'dupes'"));
        Assert.Equal(0L, await Scalar("SELECT count(*) FROM ledger_journal WHERE account_id = 'dupes' AND op_key = 'new'"));
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM ledger_journal WHERE account_id IN ('c', 'd') AND op_key = 'old'"));
    }

    [Fact]
    public async Task RowsBreakingAConstraint_FailThatAccountAlone_TheOthersCommit()
    {
        var store = new LedgerStore(_db, OneWriter);
        var audit = new PoolUsageRecord("a", "premium", 1, 1, 2, 10, "m", null, Billed: true, T0, Sequence: 1);
        await Committed(store, Write(AccountKinds.Pool, "stale-audit", 0, ["a"], new PoolAuditRow(audit)));
        var (blocked, rowLock) = await BlockTheWriter(store, "blocker-2", create: true);

        // A stale activation numbers its audit row as one the account already has: pool_audit's key refuses it.
        var culprit = store.Writer.WriteAsync(Write(AccountKinds.Pool, "stale-audit", 1, ["b"], new PoolAuditRow(audit with { RequestId = "b" })));
        var others = new[] { "e", "f" }.Select(id => store.Writer.WriteAsync(Write(AccountKinds.Port, id, 0, ["k"]))).ToList();
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();
        await blocked;

        var outcome = await culprit;
        Assert.Equal(FlushStatus.Failed, outcome.Status);
        Assert.Equal("23505", ((PostgresException)outcome.Error!).SqlState);
        Assert.All(await Task.WhenAll(others), o => Assert.Equal(FlushStatus.Committed, o.Status));
        Assert.Equal(1L, await Scalar("SELECT version FROM ledger_account WHERE account_id = 'stale-audit'"));
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM ledger_account WHERE account_id IN ('e', 'f')"));
    }

    [Fact]
    public void StorageFailureMidFlush_FailsEveryCallerOfThatFlush_AndLosesNothingAcknowledged()
    {
        var store = new LedgerStore(_db, OneWriter);
        var (errors, dead) = SingleThreadContext.Run(async () =>
        {
            var ledgers = new List<Ledger<InstallAccount, InstallHoldDetail, NoSideState>>();
            foreach (var id in new[] { "x", "y", "z" })
            {
                var ledger = await Load(store, id);
                await StageReserve(ledger, $"{id}-acked", 1);
                ledgers.Add(ledger);
            }

            // The writer is busy with "x"'s next batch, held on its row; "y" and "z" queue behind
            // it. Then "z"'s row is locked too and "x" let go: "y" and "z" share the next
            // transaction, which waits on "z"'s row and is killed there.
            var xLock = await AccountRowLock.OpenAsync(_connectionString, AccountKinds.Install, "x", fence: false);
            var first = StageReserve(ledgers[0], "x-first", 1);
            await xLock.WaitUntilAFlushWaits();
            var calls = new[] { StageReserve(ledgers[1], "y-lost", 1), StageReserve(ledgers[2], "z-lost", 1) };
            await using var zLock = await AccountRowLock.OpenAsync(_connectionString, AccountKinds.Install, "z", fence: false);
            await xLock.ReleaseAsync();
            await xLock.DisposeAsync();
            await first;
            await zLock.WaitUntilAFlushWaits();
            await zLock.TerminateWaitingFlushesAsync();
            var thrown = new List<Exception?>();
            foreach (var call in calls)
            {
                thrown.Add(await Record.ExceptionAsync(() => call));
            }

            return (thrown, ledgers.Select(l => l.IsDead).ToArray());
        });

        Assert.All(errors, e => Assert.IsType<LedgerUnavailableException>(e));
        Assert.Equal([false, true, true], dead);
        Assert.Equal(0L, SingleThreadContext.Run(() => Scalar("SELECT count(*) FROM ledger_journal WHERE op_key LIKE '%-lost'")));
        Assert.Equal(4L, SingleThreadContext.Run(() => Scalar("SELECT count(*) FROM ledger_journal WHERE op_key LIKE '%-acked' OR op_key = 'x-first'")));
    }

    [Fact]
    public async Task BatchBound_CutsTheQueueIntoTransactionsOfAtMostThatManyAccounts()
    {
        var store = new LedgerStore(_db, OneWriter with { MaxBatchItems = 2 });
        await Committed(store, Write(AccountKinds.Install, "blocker", 0, ["b0"]));
        var (blocked, rowLock) = await BlockTheWriter(store, "blocker");

        var writes = Enumerable.Range(0, 5).Select(i => store.Writer.WriteAsync(Write(AccountKinds.Pool, $"p{i}", 0, ["k"]))).ToList();
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();
        await blocked;
        await Task.WhenAll(writes);

        Assert.Equal(3L, await Scalar("SELECT count(DISTINCT xmin::text) FROM ledger_account WHERE kind = 'pool'"));
        Assert.Equal(2L, await Scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM ledger_account WHERE kind = 'pool' GROUP BY xmin::text) AS t"));
    }

    [Fact]
    public async Task QueueBound_RefusesAtOnce_AndWritesNothingOfTheRefused()
    {
        var store = new LedgerStore(_db, OneWriter with { MaxQueuedWeight = 3 });
        await Committed(store, Write(AccountKinds.Install, "blocker", 0, ["b0"]));
        var (blocked, rowLock) = await BlockTheWriter(store, "blocker");

        var queued = Enumerable.Range(0, 3).Select(i => store.Writer.WriteAsync(Write(AccountKinds.Pool, $"q{i}", 0, ["k"]))).ToList();
        bool roomBefore = store.Writer.HasRoomFor(1);
        var refused = store.Writer.WriteAsync(Write(AccountKinds.Pool, "one-too-many", 0, ["k"]));

        Assert.False(roomBefore);
        Assert.True(refused.IsFaulted); // at once, not after the queue drains
        Assert.IsType<WriteQueueFullException>(refused.Exception!.InnerException);
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();
        await blocked;
        await Task.WhenAll(queued);
        Assert.Equal(0L, await Scalar("SELECT count(*) FROM ledger_account WHERE account_id = 'one-too-many'"));
        Assert.Equal(3L, await Scalar("SELECT count(*) FROM ledger_account WHERE account_id LIKE 'q%'"));
    }

    [Fact]
    public void QueueFullAfterTheCheck_TheAccountWaitsForRoom_InsteadOfFailingItsCallers()
    {
        var store = new LedgerStore(_db, OneWriter with { MaxQueuedWeight = 1 });
        var (answered, dead, version) = SingleThreadContext.Run(async () =>
        {
            await Committed(store, Write(AccountKinds.Install, "busy", 0, ["b0"]));
            var ledger = await Load(store, "waits");
            var (blocked, rowLock) = await BlockTheWriter(store, "busy");
            var queued = store.Writer.WriteAsync(Write(AccountKinds.Pool, "queued", 0, ["q"])); // the queue is now full

            // Staged as if the check had passed just before the queue filled.
            var call = StageReserve(ledger, "r1", 1);
            await Task.Delay(200, Ct); // its flush has met the full queue by now
            bool waiting = !call.IsCompleted && !ledger.IsDead;
            await rowLock.ReleaseAsync();
            await rowLock.DisposeAsync();
            await Task.WhenAll(blocked, queued);
            var error = await Record.ExceptionAsync(() => call);
            return (waiting && error is null, ledger.IsDead, ledger.Version);
        });

        Assert.True(answered, "the call waited for room and was answered once its batch committed");
        Assert.False(dead);
        Assert.Equal(1, version);
        Assert.Equal(1L, SingleThreadContext.Run(() => Scalar("SELECT count(*) FROM ledger_journal WHERE account_id = 'waits' AND op_key = 'r1'")));
    }

    [Fact]
    public async Task TwoWritesOfOneAccount_NeverShareATransaction_AndKeepTheirOrder()
    {
        var store = new LedgerStore(_db, OneWriter);
        await Committed(store, Write(AccountKinds.Install, "blocker", 0, ["b0"]));
        var (blocked, rowLock) = await BlockTheWriter(store, "blocker");

        var first = store.Writer.WriteAsync(Write(AccountKinds.Port, "twice", 0, ["one"]));
        var second = store.Writer.WriteAsync(Write(AccountKinds.Port, "twice", 1, ["two"]));
        await rowLock.ReleaseAsync();
        await rowLock.DisposeAsync();
        await blocked;

        Assert.Equal(FlushStatus.Committed, (await first).Status);
        Assert.Equal(FlushStatus.Committed, (await second).Status);
        Assert.Equal(2L, await Scalar("SELECT version FROM ledger_account WHERE account_id = 'twice'"));
        Assert.Equal(2L, await Scalar("SELECT count(DISTINCT xmin::text) FROM ledger_journal WHERE account_id = 'twice'"));
    }

    /// <summary>
    /// Occupies the writer's only transaction: the next write of <paramref name="accountId"/>
    /// (at version 1) waits on a lock of its row, so what is submitted meanwhile queues.
    /// </summary>
    private async Task<(Task<FlushOutcome> Blocked, AccountRowLock Lock)> BlockTheWriter(
        LedgerStore store, string accountId, bool fence = false, string kind = AccountKinds.Install, bool create = false)
    {
        if (create)
        {
            await Committed(store, Write(kind, accountId, 0, [$"{accountId}-first"]));
        }

        var rowLock = await AccountRowLock.OpenAsync(_connectionString, kind, accountId, fence);
        var blocked = store.Writer.WriteAsync(Write(kind, accountId, 1, [$"{accountId}-next"]));
        await rowLock.WaitUntilAFlushWaits();
        return (blocked, rowLock);
    }

    private static async Task Committed(LedgerStore store, AccountWrite write) =>
        Assert.Equal(FlushStatus.Committed, (await store.Writer.WriteAsync(write)).Status);

    private static AccountWrite Write(string kind, string accountId, long version, string[] keys, params SideRow[] sideRows) => new(
        kind, accountId, version, "{}", T0, Math.Max(1, keys.Length),
        [.. keys.Select(k => new JournalEntry(k, Operations.Reserve, [1], "{}", T0))],
        [.. keys.Select(k => new StoredHold(k, ReservationState.Reserved, 1, "t", T0, T0.AddMinutes(5), "{}", null, null, false))],
        sideRows);

    private static Task<Ledger<InstallAccount, InstallHoldDetail, NoSideState>> Load(LedgerStore store, string account) =>
        Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(store, InstallLedgerKind.Instance, account, T0, []);

    private static Task StageReserve(Ledger<InstallAccount, InstallHoldDetail, NoSideState> ledger, string requestId, long credits)
    {
        var hold = new Hold<InstallHoldDetail>(
            requestId, ReservationState.Reserved, credits, "any", T0, T0.AddMinutes(5), new InstallHoldDetail(Tier.Core, false, Backend.Gemini));
        var journal = new JournalEntry(requestId, Operations.Reserve, [1], "{}", T0);
        return ledger.Stage(ledger.Account, journal, hold, T0);
    }

    private async Task<long> Scalar(string sql)
    {
        await using var cmd = _db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct));
    }
}
