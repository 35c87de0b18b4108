using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Engine;
using Metering.Grains.Retention;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Metering.Grains.Usage;

/// <summary>
/// The ingest worker of one silo: concurrent calls are gathered into one multi-row insert per
/// flush (group commit), one flush at a time, and every call is answered only after its flush
/// commits. Bounded: <see cref="Limits.MaxIngestFlushEvents"/> per flush,
/// <see cref="Limits.MaxPendingIngestEvents"/> waiting (past it: Unavailable, retry).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[GrainType("usage-ingest")]
internal sealed partial class UsageIngestGrain(LedgerStore store, LedgerClock clock, RetentionSettings retention, ILogger<UsageIngestGrain> logger)
    : Grain, IUsageIngestGrain
{
    private readonly UsageEventStore _events = new(store);
    private readonly Queue<PendingCall> _queue = new();
    private int _queuedEvents;
    private Task? _flushLoop;

    public async Task<IngestResult> Ingest(IReadOnlyList<UsageEvent> events)
    {
        if (events is null || events.Count is < 1 or > Limits.MaxEventsPerBatch)
        {
            var errors = new ValidationErrors();
            errors.Add("events", $"must hold 1 to {Limits.MaxEventsPerBatch} events");
            return new IngestResult(Outcome.InvalidRequest, [], errors);
        }

        var outcomes = new EventOutcome?[events.Count];
        var valid = new List<(int Index, UsageEvent Event)>(events.Count);
        // Raw events are deleted once older than the retention window, and with them the proof
        // that a key was seen: an older event is refused, so a late duplicate is never counted twice.
        var oldest = retention.OldestAcceptedEvent(UtcCalendar.Now(clock));
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i]?.Validate() is { } invalid)
            {
                outcomes[i] = new EventOutcome(EventResult.Invalid, invalid);
            }
            else if (events[i] is null)
            {
                var missing = new ValidationErrors();
                missing.Add("event", "is required");
                outcomes[i] = new EventOutcome(EventResult.Invalid, missing);
            }
            else if (events[i].OccurredAt < oldest)
            {
                var tooOld = new ValidationErrors();
                tooOld.Add("occurredAt", $"must be within the last {retention.UsageEventDays} days: older events are no longer kept, so a duplicate could not be recognized");
                outcomes[i] = new EventOutcome(EventResult.Invalid, tooOld);
            }
            else
            {
                valid.Add((i, events[i]));
            }
        }

        if (valid.Count > 0)
        {
            if (_queuedEvents + valid.Count > Limits.MaxPendingIngestEvents)
            {
                return new IngestResult(Outcome.Unavailable, []);
            }

            var call = new PendingCall([.. valid.Select(v => v.Event)]);
            _queue.Enqueue(call);
            _queuedEvents += call.Events.Count;
            _flushLoop ??= FlushLoopAsync();
            bool[] recorded;
            try
            {
                recorded = await call.Done.Task;
            }
            catch (IngestUnavailableException)
            {
                return new IngestResult(Outcome.Unavailable, []);
            }

            for (int i = 0; i < valid.Count; i++)
            {
                outcomes[valid[i].Index] = new EventOutcome(recorded[i] ? EventResult.Recorded : EventResult.Duplicate);
            }
        }

        var answered = outcomes.Select(o => o!).ToList();
        LedgerMetrics.EventsAnswered("recorded", answered.Count(o => o.Result == EventResult.Recorded));
        LedgerMetrics.EventsAnswered("duplicate", answered.Count(o => o.Result == EventResult.Duplicate));
        LedgerMetrics.EventsAnswered("invalid", answered.Count(o => o.Result == EventResult.Invalid));
        return new IngestResult(Outcome.Ok, answered);
    }

    private async Task FlushLoopAsync()
    {
        // Let the calls already arriving join this flush.
        await Task.Yield();
        try
        {
            while (_queue.Count > 0)
            {
                var batch = new List<PendingCall>();
                int size = 0;
                while (_queue.TryPeek(out var next) && (batch.Count == 0 || size + next.Events.Count <= Limits.MaxIngestFlushEvents))
                {
                    batch.Add(_queue.Dequeue());
                    size += next.Events.Count;
                }

                await FlushAsync(batch);
                _queuedEvents -= size;
            }
        }
        finally
        {
            _flushLoop = null;
        }
    }

    private async Task FlushAsync(List<PendingCall> batch)
    {
        var events = batch.SelectMany(c => c.Events).ToList();
        HashSet<(string, string)> inserted;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            inserted = await _events.InsertAsync(events, UtcCalendar.Now(clock));
            LedgerMetrics.IngestFlushed(events.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, "committed");
        }
        catch (Exception error)
        {
            // Whatever failed, nothing of this flush was committed: every caller must hear so,
            // never wait forever.
            LedgerMetrics.IngestFlushed(events.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, "failed");
            LogFlushFailed(logger, events.Count, error);
            foreach (var call in batch)
            {
                call.Done.TrySetException(new IngestUnavailableException());
            }

            return;
        }

        // A key new to the database is recorded once: its first occurrence in this flush; any
        // other occurrence (here or earlier) is a duplicate.
        var claimed = new HashSet<(string, string)>();
        foreach (var call in batch)
        {
            var recorded = new bool[call.Events.Count];
            for (int i = 0; i < call.Events.Count; i++)
            {
                var key = (call.Events[i].TenantId, call.Events[i].GatewayRequestId);
                recorded[i] = inserted.Contains(key) && claimed.Add(key);
            }

            call.Done.TrySetResult(recorded);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage ingest flush of {Count} events failed; the callers were answered unavailable")]
    private static partial void LogFlushFailed(ILogger logger, int count, Exception error);

    /// <summary>One call's valid events and the completion its caller awaits (recorded or duplicate, per event).</summary>
    private sealed class PendingCall(IReadOnlyList<UsageEvent> events)
    {
        public IReadOnlyList<UsageEvent> Events { get; } = events;

        public TaskCompletionSource<bool[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class IngestUnavailableException : Exception;
}
