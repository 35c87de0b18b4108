using System.Diagnostics;
using Metering.GrainInterfaces.Common;
using Npgsql;

namespace Metering.Grains.Storage;

/// <summary>
/// The shared flush of one silo (DESIGN.md): account grains hand it their pending batches
/// (<see cref="AccountWrite"/>), and it writes the batches of many accounts in one transaction,
/// with one multi-row statement per table. Each account is still fenced by its own version and
/// checked for replayed keys; one that fails either fails alone: the transaction is rolled back
/// and tried again without it, so the others commit (each retry drops at least one account, so it
/// ends). An error in some account's data (a constraint) makes each account of that transaction
/// write alone, so only that account fails; any other database error fails every account of the
/// transaction, and nothing of it committed.
/// An account has at most one write in flight (its ledger waits for the outcome before sending the
/// next), which keeps each account's operations in order.
/// </summary>
internal sealed class LedgerWriter
{
    /// <summary>The bounds a silo runs with (see <see cref="Limits"/>).</summary>
    public static GroupCommitBounds DefaultBounds { get; } = new(
        MaxBatchItems: Limits.MaxFlushAccounts,
        MaxBatchWeight: Limits.MaxFlushOperations,
        MaxQueuedWeight: Limits.MaxQueuedFlushOperations,
        Writers: Limits.FlushWriters);

    private const int DeadlockAttempts = 3;

    private readonly LedgerStore _store;
    private readonly GroupCommit<AccountWrite, FlushOutcome> _commits;

    public LedgerWriter(LedgerStore store, GroupCommitBounds bounds)
    {
        _store = store;
        _commits = new GroupCommit<AccountWrite, FlushOutcome>(
            "ledger", bounds, write => Math.Max(1, write.Operations), write => write.Key, WriteAsync, write => write.CallerSpans);
    }

    /// <summary>True when a write of this many operations would be queued now (a hint for refusing early, with nothing staged).</summary>
    public bool HasRoomFor(int operations) => _commits.HasRoomFor(operations);

    /// <summary>
    /// Writes one account's batch in the next shared transaction. Completes after the commit with
    /// the account's own outcome; fails when the transaction failed (nothing of it committed) or,
    /// at once, with <see cref="WriteQueueFullException"/> when the silo's queue is at its bound.
    /// </summary>
    public Task<FlushOutcome> WriteAsync(AccountWrite write) => _commits.SubmitAsync(write);

    private async Task<IReadOnlyList<FlushOutcome>> WriteAsync(GroupCommitBatch<AccountWrite> batch)
    {
        long started = Stopwatch.GetTimestamp();
        var writes = batch.Items;
        var outcomes = new FlushOutcome?[writes.Count];
        var pending = Enumerable.Range(0, writes.Count).ToList();
        try
        {
            while (pending.Count > 0)
            {
                FlushAttempt attempt;
                try
                {
                    attempt = await TryFlushAsync([.. pending.Select(i => writes[i])]);
                }
                catch (PostgresException error) when (pending.Count > 1 && BrokeARule(error))
                {
                    await WriteEachAloneAsync(writes, pending, outcomes);
                    break;
                }

                if (attempt.Committed)
                {
                    foreach (int i in pending)
                    {
                        outcomes[i] = FlushOutcome.Committed;
                    }

                    break;
                }

                if (attempt.Failures.Count == 0)
                {
                    throw new InvalidOperationException("a flush attempt rolled back without naming an account that failed");
                }

                foreach (var (position, outcome) in attempt.Failures)
                {
                    outcomes[pending[position]] = outcome;
                }

                pending = [.. pending.Where(i => outcomes[i] is null)];
            }
        }
        catch
        {
            FlushMetrics.Flushed(writes.Count, batch.Weight, batch.LongestWait, Stopwatch.GetElapsedTime(started), "failed");
            FlushMetrics.AccountWritten("failed", writes.Count);
            throw;
        }

        FlushMetrics.Flushed(writes.Count, batch.Weight, batch.LongestWait, Stopwatch.GetElapsedTime(started), "committed");
        FlushMetrics.AccountWritten("committed", outcomes.Count(o => o!.Status == FlushStatus.Committed));
        FlushMetrics.AccountWritten("fenced", outcomes.Count(o => o!.Status == FlushStatus.Fenced));
        FlushMetrics.AccountWritten("duplicate_keys", outcomes.Count(o => o!.Status == FlushStatus.DuplicateKeys));
        FlushMetrics.AccountWritten("failed", outcomes.Count(o => o!.Status == FlushStatus.Failed));
        TagSpan(outcomes);
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// What the accounts came to, on the flush span (current while the batch is written, see
    /// <see cref="LedgerTracing"/>), so a trace tells a fenced or failed account from a committed one.
    /// </summary>
    private static void TagSpan(FlushOutcome?[] outcomes)
    {
        if (Activity.Current is not { Source.Name: LedgerTracing.ActivitySourceName } span || !span.IsAllDataRequested)
        {
            return;
        }

        foreach (var status in Enum.GetValues<FlushStatus>())
        {
            int count = outcomes.Count(o => o!.Status == status);
            if (count > 0)
            {
                span.SetTag($"metering.flush.accounts.{StatusName(status)}", count);
            }
        }
    }

    /// <summary>
    /// A data or constraint error (SQLSTATE classes 22 and 23) comes from some account's rows, and
    /// every statement covers every account: a stale activation's audit sequence, say, would
    /// otherwise fail the hundreds of others in its transaction. Each pending account is then
    /// written alone, so only the one whose rows break the rule fails (and reloads).
    /// </summary>
    private async Task WriteEachAloneAsync(IReadOnlyList<AccountWrite> writes, List<int> pending, FlushOutcome?[] outcomes)
    {
        foreach (int i in pending)
        {
            try
            {
                var alone = await TryFlushAsync([writes[i]]);
                outcomes[i] = alone.Committed ? FlushOutcome.Committed : alone.Failures[0];
            }
            catch (PostgresException error) when (BrokeARule(error))
            {
                outcomes[i] = FlushOutcome.Failed(error);
            }
        }
    }

    // CS8524 asks for an arm for numbers outside the enum; a default arm would also hide CS8509,
    // a new status left unnamed, which is what the switch is for.
#pragma warning disable CS8524
    /// <summary>The status as the account-writes counter and the span name it.</summary>
    private static string StatusName(FlushStatus status) => status switch
    {
        FlushStatus.Committed => "committed",
        FlushStatus.Fenced => "fenced",
        FlushStatus.DuplicateKeys => "duplicate_keys",
        FlushStatus.Failed => "failed",
    };
#pragma warning restore CS8524

    private static bool BrokeARule(PostgresException error) =>
        error.SqlState.StartsWith("22", StringComparison.Ordinal) || error.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>
    /// One attempt, tried again when PostgreSQL chose it as a deadlock victim or failed it for
    /// serialization (the retention clean-up deletes rows of the same accounts): the transaction
    /// rolled back whole, so trying again is safe. Account rows are locked in one order, so this
    /// is rare; after <see cref="DeadlockAttempts"/> the error fails the flush.
    /// </summary>
    private async Task<FlushAttempt> TryFlushAsync(IReadOnlyList<AccountWrite> writes)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await _store.TryFlushAsync(writes);
            }
            catch (PostgresException error) when (attempt < DeadlockAttempts && error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
        }
    }
}
