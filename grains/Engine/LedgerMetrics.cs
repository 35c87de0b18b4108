using System.Diagnostics;
using System.Diagnostics.Metrics;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// The ledger's instruments (meter <c>Metering.Ledger</c>): operations by account kind and outcome,
/// operations waiting to be durable, holds that expired, usage events; the shared flush's own
/// (accounts and operations per transaction, wait, duration) are in <see cref="FlushMetrics"/>.
/// Enough for an operator to see whether the ledger keeps up.
/// </summary>
internal static class LedgerMetrics
{
    public const string MeterName = FlushMetrics.MeterName;

    private static Meter Meter => FlushMetrics.Meter;

    private static readonly Counter<long> Operations = Meter.CreateCounter<long>(
        "metering.ledger.operations", "{operation}", "Account operations answered, by kind, operation and outcome");

    private static readonly UpDownCounter<long> Pending = Meter.CreateUpDownCounter<long>(
        "metering.ledger.pending", "{operation}", "Staged operations not yet durable");

    private static readonly Counter<long> Expired = Meter.CreateCounter<long>(
        "metering.ledger.holds.expired", "{hold}", "Holds that stopped counting because they expired");

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "metering.usage.events", "{event}", "Usage events answered, by result (recorded, duplicate, invalid)");

    private static readonly Histogram<int> IngestBatch = Meter.CreateHistogram<int>(
        "metering.usage.flush.batch_size", "{event}", "Usage events written by one ingest flush (one transaction)");

    private static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>(
        "metering.usage.flush.duration", "s", "Time of one ingest flush, by status", tags: null, advice: FlushMetrics.FlushSeconds);

    public static void EventsAnswered(string result, int count)
    {
        if (count > 0)
        {
            Events.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }

    public static void IngestFlushed(int events, TimeSpan duration, string status)
    {
        IngestBatch.Record(events);
        IngestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));
    }

    public static void Answered(string kind, string operation, string outcome) =>
        Operations.Add(1, new TagList { { "kind", kind }, { "operation", operation }, { "outcome", outcome } });

    public static void PendingChanged(string kind, long delta) => Pending.Add(delta, new KeyValuePair<string, object?>("kind", kind));

    public static void HoldExpired(string kind) => Expired.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
