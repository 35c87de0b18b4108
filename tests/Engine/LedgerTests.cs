using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Engine;
using Metering.Grains.Installs;
using Metering.Grains.Storage;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Engine;

/// <summary>The engine's write path against real PostgreSQL, outside Orleans.</summary>
public sealed class LedgerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private LedgerStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await MeteringDatabase.CreateAsync(postgres, "ledger"));
        _store = new LedgerStore(_db);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public void Stage_ManyCallsAtOnce_CommitInOneTransaction()
    {
        var (version, journalRows) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("group");
            var acks = Enumerable.Range(0, 100).Select(i => StageReserve(ledger, $"r{i}", 1)).ToList();
            await Task.WhenAll(acks);
            return (ledger.Version, await Count("SELECT count(*) FROM ledger_journal WHERE account_id = 'group'"));
        });

        Assert.Equal(1, version); // one flush for the hundred
        Assert.Equal(100, journalRows);
    }

    [Fact]
    public void Stage_MoreThanOneBatch_FlushesInBoundedBatches()
    {
        long version = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("batches");
            var acks = Enumerable.Range(0, Limits.MaxFlushBatch * 2 + 1).Select(i => StageReserve(ledger, $"r{i}", 0)).ToList();
            await Task.WhenAll(acks);
            return ledger.Version;
        });

        Assert.Equal(3, version);
    }

    [Fact]
    public void Stage_PastTheQueueBound_RefusesAndChangesNothing()
    {
        var (refused, reservedAfterRefusal) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("queue");
            var acks = Enumerable.Range(0, Limits.MaxPendingOperations).Select(i => StageReserve(ledger, $"r{i}", 1)).ToList();
            long reserved = ledger.Reserved;
            bool threw = !ledger.CanStage;
            // Stage throws synchronously, before anything changes; it does not return a faulted task.
            Exception? thrown = null;
            try
            {
                _ = StageReserve(ledger, "one-too-many", 1);
            }
            catch (LedgerUnavailableException error)
            {
                thrown = error;
            }

            Assert.NotNull(thrown);
            long after = ledger.Reserved;
            await Task.WhenAll(acks);
            return (threw, after - reserved);
        });

        Assert.True(refused);
        Assert.Equal(0, reservedAfterRefusal);
    }

    [Fact]
    public void TwoActivations_WritingOneAccount_ExactlyOneWins()
    {
        var (first, second, died) = SingleThreadContext.Run(async () =>
        {
            var a = await Load("fenced");
            var b = await Load("fenced");
            LedgerDeath? death = null;
            b.Died += d => death = d;
            var ackA = StageReserve(a, "from-a", 5);
            await ackA;
            var ackB = StageReserve(b, "from-b", 7);
            var error = await Record.ExceptionAsync(() => ackB);
            return (ackA.IsCompletedSuccessfully, error, death);
        });

        Assert.True(first);
        Assert.IsType<LedgerUnavailableException>(second);
        Assert.Equal(LedgerDeathReason.Fenced, died?.Reason);
        Assert.Equal(1, SingleThreadContext.Run(() => Count("SELECT version FROM ledger_account WHERE account_id = 'fenced'")));
        Assert.Equal(0, SingleThreadContext.Run(() => Count("SELECT count(*) FROM ledger_hold WHERE request_id = 'from-b'")));
        Assert.Equal(1, SingleThreadContext.Run(() => Count("SELECT count(*) FROM ledger_hold WHERE request_id = 'from-a'")));
    }

    [Fact]
    public void Flush_KeyAlreadyInJournal_RollsBackWholeBatchAndNamesTheKey()
    {
        var (status, duplicates, version, rows) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("dupes");
            await StageReserve(ledger, "old", 1);
            var batch = new AccountWrite(
                AccountKinds.Install, "dupes", ExpectedVersion: 1, StateJson: "{}", T0, Operations: 2,
                [Entry("old"), Entry("new")], [], []);
            var outcome = await _store.FlushAsync(batch);
            return (outcome.Status, outcome.DuplicateKeys, await Count("SELECT version FROM ledger_account WHERE account_id = 'dupes'"),
                await Count("SELECT count(*) FROM ledger_journal WHERE account_id = 'dupes'"));
        });

        Assert.Equal(FlushStatus.DuplicateKeys, status);
        Assert.Equal([("old", Operations.Reserve)], duplicates);
        Assert.Equal(1, version);
        Assert.Equal(1, rows); // "new" was rolled back with the rest
    }

    [Fact]
    public void Reload_SeesExactlyWhatWasAcknowledged()
    {
        var (reserved, open, knowsKey, version) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("reload");
            await Task.WhenAll(StageReserve(ledger, "a", 3), StageReserve(ledger, "b", 4, ttlSeconds: 10));
            var fresh = await Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_store, InstallLedgerKind.Instance, "reload", T0.AddSeconds(20), []);
            return (fresh.Reserved, fresh.OpenHolds, fresh.KnownJournal("a", Operations.Reserve) is not null, fresh.Version);
        });

        Assert.Equal(3, reserved); // b expired by time: nothing had to be written for that
        Assert.Equal(1, open);
        Assert.True(knowsKey);
        Assert.Equal(1, version);
    }

    [Fact]
    public void Sweep_ExpiredHolds_StopCounting()
    {
        var (before, after) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("sweep");
            await Task.WhenAll(StageReserve(ledger, "short", 2, ttlSeconds: 1), StageReserve(ledger, "long", 5, ttlSeconds: 100));
            long b = ledger.Reserved;
            ledger.Sweep(T0.AddSeconds(1));
            return (b, ledger.Reserved);
        });

        Assert.Equal(7, before);
        Assert.Equal(5, after);
    }

    [Fact]
    public void Storage_Unreachable_FailsTheCallAndKillsTheLedger()
    {
        var (error, dead) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Load("down");
            await using var broken = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=2");
            var brokenLedger = await Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_store, InstallLedgerKind.Instance, "down", T0, []);
            typeof(Ledger<InstallAccount, InstallHoldDetail, NoSideState>)
                .GetField("_store", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .SetValue(brokenLedger, new LedgerStore(broken));
            var thrown = await Record.ExceptionAsync(() => StageReserve(brokenLedger, "x", 1));
            return (thrown, brokenLedger.IsDead);
        });

        Assert.IsType<LedgerUnavailableException>(error);
        Assert.True(dead);
        Assert.Equal(0, SingleThreadContext.Run(() => Count("SELECT count(*) FROM ledger_hold WHERE account_id = 'down'")));
    }

    [Fact]
    public void WhenDurable_OnADeadLedger_FailsInsteadOfAnsweringFromUncommittedMemory()
    {
        var (staged, afterDeath) = SingleThreadContext.Run(async () =>
        {
            var a = await Load("dead-read");
            var b = await Load("dead-read");
            await StageReserve(a, "from-a", 5);
            var lost = StageReserve(b, "from-b", 7);
            // A refusal or a read that had resumed on b would wait on this, then answer from b's memory.
            var readWhileStaged = b.WhenDurable();
            await Record.ExceptionAsync(() => lost);
            return (await Record.ExceptionAsync(() => readWhileStaged), await Record.ExceptionAsync(() => b.WhenDurable()));
        });

        Assert.IsType<LedgerUnavailableException>(staged);
        Assert.IsType<LedgerUnavailableException>(afterDeath);
    }

    [Fact]
    public void FindJournal_KeyBeyondWhatTheLoadKept_IsFoundInPostgres_ManyInOneQuery()
    {
        int count = Limits.JournalEntriesLoadedAtActivation + 10;
        var (knowsEveryKey, known, found, missing) = SingleThreadContext.Run(async () =>
        {
            var writer = await Load("forgotten");
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => StageReserve(writer, $"k{i}", 0)));
            var fresh = await Load("forgotten");
            bool knows = fresh.KnowsEveryKey;
            var forgotten = Enumerable.Range(0, count).Select(i => $"k{i}").Where(k => fresh.KnownJournal(k, Operations.Reserve) is null).ToList();
            var lookups = await Task.WhenAll(forgotten.Append("never-used").Select(k => fresh.FindJournalAsync(k, Operations.Reserve)));
            return (knows, forgotten.Count, lookups[..^1].All(l => l is not null), lookups[^1] is null);
        });

        Assert.False(knowsEveryKey);
        Assert.Equal(count - Limits.JournalEntriesLoadedAtActivation, known);
        Assert.True(found);
        Assert.True(missing);
    }

    [Fact]
    public void FindJournal_AccountWhoseWholeJournalWasLoaded_KnowsEveryKey()
    {
        bool knows = SingleThreadContext.Run(async () =>
        {
            var writer = await Load("small");
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => StageReserve(writer, $"k{i}", 0)));
            return (await Load("small")).KnowsEveryKey;
        });

        Assert.True(knows);
    }

    [Fact]
    public void JournalEntries_AreNotForgottenByAge_SoNewKeysNeedNoLookup()
    {
        var memory = new AccountMemory(TimeSpan.FromMinutes(10), RememberFor: TimeSpan.Zero, MaxRememberedPerSilo: 1_000_000, ShedOnMemoryPressure: false);
        var (known, knowsEvery) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_store, InstallLedgerKind.Instance, "ageless", T0, [], memory);
            await StageReserve(ledger, "r1", 1);
            return (ledger.KnownJournal("r1", Operations.Reserve) is not null, ledger.KnowsEveryKey);
        });

        Assert.True(known);
        Assert.True(knowsEvery);
    }

    [Fact]
    public void SiloOverItsBound_ForgetsDurableEntriesDownToTheFloor_NeverStagedOnes_AndTheJournalStillAnswers()
    {
        int count = AccountMemory.FloorPerAccount + 6;
        var tight = new AccountMemory(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), MaxRememberedPerSilo: 0, ShedOnMemoryPressure: false);
        var (allKnownWhileStaged, oldestAfter, knowsEvery, fromJournal, silo) = SingleThreadContext.Run(async () =>
        {
            var ledger = await Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_store, InstallLedgerKind.Instance, "tight", T0, [], tight);
            var durable = Enumerable.Range(0, count).Select(i => StageReserve(ledger, $"r{i}", 0)).ToList();
            bool staged = Enumerable.Range(0, count).All(i => ledger.KnownJournal($"r{i}", Operations.Reserve) is not null);
            await Task.WhenAll(durable);
            return (staged, ledger.KnownJournal("r0", Operations.Reserve) is not null, ledger.KnowsEveryKey,
                await ledger.FindJournalAsync("r0", Operations.Reserve) is not null, tight.Remembered.Count);
        });

        Assert.True(allKnownWhileStaged); // not durable yet: memory is the only place they are known
        Assert.False(oldestAfter);
        Assert.False(knowsEvery); // so unknown keys are looked up...
        Assert.True(fromJournal); // ...and found
        Assert.True(silo <= AccountMemory.FloorPerAccount + 1, $"the account kept {silo} entries, over the floor of {AccountMemory.FloorPerAccount}");
    }

    private Task<Ledger<InstallAccount, InstallHoldDetail, NoSideState>> Load(string account) =>
        Ledger<InstallAccount, InstallHoldDetail, NoSideState>.LoadAsync(_store, InstallLedgerKind.Instance, account, T0, []);

    private static Task StageReserve(Ledger<InstallAccount, InstallHoldDetail, NoSideState> ledger, string requestId, long credits, int ttlSeconds = 300)
    {
        var hold = new Hold<InstallHoldDetail>(
            requestId, ReservationState.Reserved, credits, "gemini", T0, T0.AddSeconds(ttlSeconds),
            new InstallHoldDetail(Tier.Core, false, Backend.Gemini));
        return ledger.Stage(ledger.Account with { LastActiveAt = T0 }, Entry(requestId), hold, T0);
    }

    private static JournalEntry Entry(string key) => new(key, Operations.Reserve, [1, 2, 3], "{}", T0);

    private async Task<long> Count(string sql)
    {
        await using var cmd = _db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? 0L);
    }
}
