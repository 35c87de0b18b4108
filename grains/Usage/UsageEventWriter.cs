using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Storage;
using Metering.Grains.Time;

namespace Metering.Grains.Usage;

/// <summary>
/// The silo's usage-event writer: concurrent ingest calls are gathered into one multi-row insert
/// per transaction by the same group commit as the ledger's (<see cref="GroupCommit{TItem, TResult}"/>),
/// and every call is answered only after its transaction commits. Bounded:
/// <see cref="Limits.MaxIngestFlushEvents"/> per transaction, <see cref="Limits.MaxPendingIngestEvents"/>
/// waiting (past it: <see cref="WriteQueueFullException"/>, answered Unavailable). One writer: the
/// events of one flush go in one statement, and what is "recorded" versus "duplicate" within it is
/// decided by position (below).
/// </summary>
internal sealed class UsageEventWriter
{
    public static GroupCommitBounds DefaultBounds { get; } = new(
        MaxBatchItems: Limits.MaxIngestFlushEvents,
        MaxBatchWeight: Limits.MaxIngestFlushEvents,
        MaxQueuedWeight: Limits.MaxPendingIngestEvents,
        Writers: 1);

    private readonly UsageEventStore _events;
    private readonly LedgerClock _clock;
    private readonly GroupCommit<IngestCall, bool[]> _commits;

    public UsageEventWriter(LedgerStore store, LedgerClock clock)
    {
        _events = new UsageEventStore(store);
        _clock = clock;
        // Calls never conflict with each other (a repeated key is answered "duplicate"), so each
        // is its own key.
        _commits = new GroupCommit<IngestCall, bool[]>("usage event", DefaultBounds, call => call.Events.Count, call => call, WriteAsync);
    }

    /// <summary>Stores the events of one call; per event, true when recorded, false when a duplicate.</summary>
    public Task<bool[]> WriteAsync(IReadOnlyList<UsageEvent> events) => _commits.SubmitAsync(new IngestCall(events));

    private async Task<IReadOnlyList<bool[]>> WriteAsync(GroupCommitBatch<IngestCall> batch)
    {
        var events = batch.Items.SelectMany(c => c.Events).ToList();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        HashSet<(string, string)> inserted;
        try
        {
            inserted = await _events.InsertAsync(events, UtcCalendar.Now(_clock));
        }
        catch
        {
            Engine.LedgerMetrics.IngestFlushed(events.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started), "failed");
            throw;
        }

        Engine.LedgerMetrics.IngestFlushed(events.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started), "committed");

        // A key new to the database is recorded once: its first occurrence in this flush; any
        // other occurrence (here or earlier) is a duplicate.
        var claimed = new HashSet<(string, string)>();
        var results = new List<bool[]>(batch.Items.Count);
        foreach (var call in batch.Items)
        {
            var recorded = new bool[call.Events.Count];
            for (int i = 0; i < call.Events.Count; i++)
            {
                var key = (call.Events[i].TenantId, call.Events[i].GatewayRequestId);
                recorded[i] = inserted.Contains(key) && claimed.Add(key);
            }

            results.Add(recorded);
        }

        return results;
    }

    /// <summary>One call's valid events (a class: its identity is its group-commit key).</summary>
    private sealed class IngestCall(IReadOnlyList<UsageEvent> events)
    {
        public IReadOnlyList<UsageEvent> Events { get; } = events;
    }
}
