using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;

namespace Metering.Bench;

/// <summary>
/// Sends events to the silo's ingest worker as a caller would: a call answered Unavailable (its
/// queue is full) is sent again after a short pause, a bounded number of times; events are
/// idempotent, so a retry never counts twice. Every event must come back recorded.
/// </summary>
internal sealed class IngestClient(IGrainFactory grains)
{
    private const int MaxAttempts = 50;

    private readonly IUsageIngestGrain _grain = grains.GetGrain<IUsageIngestGrain>(0);

    /// <summary>Sends the events; returns how many retries it took.</summary>
    public async Task<int> SendAsync(IReadOnlyList<UsageEvent> events, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var result = await _grain.Ingest(events);
            if (result.Outcome == Outcome.Ok)
            {
                CheckRecorded(result, events.Count, firstAttempt: attempt == 1);
                return attempt - 1;
            }

            if (result.Outcome != Outcome.Unavailable || attempt == MaxAttempts)
            {
                throw new InvalidOperationException($"ingest answered {result.Outcome} (attempt {attempt} of {MaxAttempts})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt), ct);
        }
    }

    private static void CheckRecorded(IngestResult result, int count, bool firstAttempt)
    {
        if (result.Events.Count != count)
        {
            throw new InvalidOperationException($"ingest answered {result.Events.Count} results for {count} events");
        }

        foreach (var e in result.Events)
        {
            // Every key is new; after a retry, a duplicate is the earlier attempt's commit.
            bool ok = e.Result == EventResult.Recorded || (!firstAttempt && e.Result == EventResult.Duplicate);
            if (!ok)
            {
                throw new InvalidOperationException($"an event was answered {e.Result}: the benchmark sends only new, valid events");
            }
        }
    }
}
