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
/// The ingest worker of one silo: validates each call's events and hands the valid ones to the
/// silo's <see cref="UsageEventWriter"/> (group commit, bounded); every call is answered only
/// after its events' transaction commits. A full queue or a failed write is Unavailable (retry).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[GrainType("usage-ingest")]
internal sealed partial class UsageIngestGrain(UsageEventWriter writer, LedgerClock clock, RetentionSettings retention, ILogger<UsageIngestGrain> logger)
    : Grain, IUsageIngestGrain
{
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
            bool[] recorded;
            try
            {
                recorded = await writer.WriteAsync([.. valid.Select(v => v.Event)]);
            }
            catch (WriteQueueFullException)
            {
                return new IngestResult(Outcome.Unavailable, []);
            }
            catch (Exception error)
            {
                // Whatever failed, nothing of that transaction was committed: say so, retry.
                LogFlushFailed(logger, valid.Count, error);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage ingest of {Count} events failed; answered unavailable")]
    private static partial void LogFlushFailed(ILogger logger, int count, Exception error);
}
