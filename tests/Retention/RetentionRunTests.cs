using Metering.GrainInterfaces.Common;
using Metering.Grains.Engine;
using Metering.Grains.Retention;
using Metering.Tests.Infrastructure;
using Npgsql;
using static Metering.Tests.Retention.RetentionRig;

namespace Metering.Tests.Retention;

/// <summary>
/// How a clean-up run goes: bounded statements repeated until done, past rows it must keep, one
/// run at a time across silos, within its time, and out of the way of a flush that changes a hold
/// while it runs.
/// </summary>
public sealed class RetentionRunTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Batch = Limits.RetentionBatchRows;
    private RetentionRig _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _rig = await RetentionRig.CreateAsync(postgres, "retention-runs");

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    /// <summary>
    /// <paramref name="count"/> keys of one account, each one journal row at <paramref name="at"/>
    /// (free calls: no hold), then the table's statistics, as autovacuum keeps them after a bulk
    /// load: without any, the planner takes the new table for tiny and looks keys up through the
    /// per-account index, one whole account per key.
    /// </summary>
    private async Task OldKeys(string account, int count, DateTimeOffset at, string operation = Operations.Usage, string prefix = "k")
    {
        await _rig.Execute(
            "INSERT INTO ledger_journal (kind, account_id, op_key, operation, body_hash, response, at) " +
            "SELECT 'install', $1, $4 || i, $2, '\\x01', '{}', $3 FROM generate_series(1, $5) AS i",
            account, operation, at, prefix, count);
        await _rig.Execute("ANALYZE ledger_journal");
    }

    private async Task OldEvents(int count, DateTimeOffset occurredAt)
    {
        await _rig.Execute(
            "INSERT INTO usage_event (tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge, received_at) " +
            "SELECT 't', 'g' || i, 'd', $1, 1, 1, 0.01, $1 FROM generate_series(1, $2) AS i",
            occurredAt, count);
        await _rig.Execute("ANALYZE usage_event");
    }

    [Fact]
    public async Task ManyOldRows_AreDeletedInBoundedStatements_UntilNoneIsLeft()
    {
        await OldKeys("bulk", 2 * Batch + 1, T);
        await OldEvents(2 * Batch + 1, T);
        var log = new CapturingLogger();

        var run = await _rig.Cleaner(logger: log).RunOnceAsync(T.AddDays(500), Ct);

        Assert.Equal(RetentionStatus.Completed, run.Status);
        Assert.Equal((2L * Batch + 1, 3), (run.JournalRows, run.JournalBatches));
        Assert.Equal((2L * Batch + 1, 3), (run.UsageEvents, run.EventBatches));
        // One log line per statement: no statement deleted more than its bound.
        Assert.Equal([Batch, Batch, 1], log.Values<long>("Retention: {Scanned}", "JournalRows"));
        Assert.Equal([Batch, Batch, 1], log.Values<int>("Retention: {Events}", "Events"));
        Assert.Equal(0, await _rig.Count("SELECT count(*) FROM ledger_journal"));
        Assert.Equal(0, await _rig.Count("SELECT count(*) FROM usage_event"));
    }

    [Fact]
    public async Task KeptRowsBeforeTheOldOnes_DoNotHoldUpTheRun()
    {
        // More than a statement's worth of old rows whose keys were used again recently (kept),
        // all older than the rows to delete: the scan must move past them, not stop on them.
        await OldKeys("a", Batch + 1, T, Operations.Usage, "busy");
        await OldKeys("a", Batch + 1, T.AddHours(47), Operations.Reserve, "busy");
        await OldKeys("a", 10, T.AddSeconds(1), Operations.Usage, "idle");

        var run = await _rig.Cleaner().RunOnceAsync(T.AddHours(49), Ct);

        Assert.Equal(RetentionStatus.Completed, run.Status);
        Assert.Equal(10, run.JournalRows);
        Assert.Equal(2 * (Batch + 1), await _rig.Count("SELECT count(*) FROM ledger_journal WHERE op_key LIKE 'busy%'"));
        Assert.Equal(0, await _rig.Count("SELECT count(*) FROM ledger_journal WHERE op_key LIKE 'idle%'"));
    }

    [Fact]
    public async Task Run_WhileAnotherSiloHoldsTheLock_DoesNothing_ThenTheNextRunCleans()
    {
        await _rig.Reserve("a", "k", T);
        await using var otherSilo = await _rig.Db.OpenConnectionAsync(Ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", otherSilo))
        {
            take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = RetentionStore.LockKey });
            await take.ExecuteScalarAsync(Ct);
        }

        var whileHeld = await _rig.Cleaner().RunOnceAsync(T.AddDays(3), Ct);
        var rowsWhileHeld = await _rig.Count("SELECT count(*) FROM ledger_journal");
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", otherSilo))
        {
            release.Parameters.Add(new NpgsqlParameter<long> { TypedValue = RetentionStore.LockKey });
            await release.ExecuteScalarAsync(Ct);
        }

        var after = await _rig.Cleaner().RunOnceAsync(T.AddDays(3), Ct);

        Assert.Equal(RetentionStatus.Locked, whileHeld.Status);
        Assert.Equal((0, 0, 0), (whileHeld.JournalRows, whileHeld.Holds, whileHeld.JournalBatches));
        Assert.Equal(1, rowsWhileHeld);
        Assert.Equal(RetentionStatus.Completed, after.Status);
        Assert.Equal(0, await _rig.Count("SELECT count(*) FROM ledger_journal"));
    }

    [Fact]
    public async Task TwoSilosRunningAtOnce_DeleteEachRowOnce_AndNeverBothWork()
    {
        await OldKeys("bulk", 3 * Batch, T);

        var runs = await Task.WhenAll(
            Task.Run(() => _rig.Cleaner().RunOnceAsync(T.AddDays(3), Ct), Ct),
            Task.Run(() => _rig.Cleaner().RunOnceAsync(T.AddDays(3), Ct), Ct));

        // Either one found the lock taken, or the second ran after the first and found nothing.
        Assert.Equal(3L * Batch, runs.Sum(r => r.JournalRows));
        Assert.Contains(runs, r => r.Status == RetentionStatus.Locked || r.JournalRows == 0);
        Assert.All(runs, r => Assert.True(r.Status is RetentionStatus.Completed or RetentionStatus.Locked, r.Status.ToString()));
        Assert.Equal(0, await _rig.Count("SELECT count(*) FROM ledger_journal"));
    }

    [Fact]
    public async Task Run_PastItsTime_StopsBetweenStatements_AndTheNextRunGoesOn()
    {
        await OldKeys("bulk", 2 * Batch + 1, T);
        // Every reading of the run's stopwatch is 40 s later: the first statement starts at 40 s,
        // the second would start at 80 s, past the 60 s a run may take.
        var stopwatch = new SteppingTime(TimeSpan.FromSeconds(40));
        var settings = new RetentionSettings(maxRunSeconds: 60);

        var first = await _rig.Cleaner(settings, stopwatch).RunOnceAsync(T.AddDays(3), Ct);
        var left = await _rig.Count("SELECT count(*) FROM ledger_journal");
        var second = await _rig.Cleaner(settings).RunOnceAsync(T.AddDays(3), Ct);

        Assert.Equal((RetentionStatus.TimeLimitReached, 1, (long)Batch), (first.Status, first.JournalBatches, first.JournalRows));
        Assert.Equal(Batch + 1, left);
        Assert.Equal((RetentionStatus.Completed, Batch + 1L), (second.Status, second.JournalRows));
    }

    [Fact]
    public async Task LateCommitWhileTheRunDeletes_KeepsTheHoldAndItsKey()
    {
        // A hold expired long ago, and a late commit of it in flight: its flush has changed the hold
        // row and added the commit's journal row, not yet committed, when the clean-up reaches it.
        await _rig.Reserve("a", "late", T, ttlSeconds: 300);
        var now = T.AddDays(3);
        await using var flush = await _rig.Db.OpenConnectionAsync(Ct);
        await using var tx = await flush.BeginTransactionAsync(Ct);
        foreach (string sql in new[]
        {
            "UPDATE ledger_hold SET state = 1, closed_at = $1, committed_amount = 1, late = true WHERE account_id = 'a' AND request_id = 'late'",
            "INSERT INTO ledger_journal (kind, account_id, op_key, operation, body_hash, response, at) VALUES ('install', 'a', 'late', 'commit', '\\x01', '{}', $1)",
        })
        {
            await using var write = new NpgsqlCommand(sql, flush, tx);
            write.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await write.ExecuteNonQueryAsync(Ct);
        }

        var running = Task.Run(() => _rig.Cleaner().RunOnceAsync(now, Ct), Ct);
        await WaitUntilBlocked();
        await tx.CommitAsync(Ct);
        var run = await running;

        Assert.Equal(RetentionStatus.Completed, run.Status);
        Assert.Equal((0, 0), (run.JournalRows, run.Holds));
        Assert.Equal(["late:commit", "late:reserve"], await _rig.Journal("a"));
        Assert.Equal(["late:1"], await _rig.Holds("a"));
    }

    /// <summary>Polls (bounded) until a session of this database waits for a row lock: the clean-up on the hold row.</summary>
    private async Task WaitUntilBlocked()
    {
        for (int i = 0; i < 500; i++)
        {
            if (await _rig.Count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0)
            {
                return;
            }

            await Task.Delay(10, Ct);
        }

        Assert.Fail("the clean-up never waited for the hold row");
    }

    /// <summary>A stopwatch that moves <paramref name="step"/> forward at every reading.</summary>
    private sealed class SteppingTime(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks) - step.Ticks;
    }
}
