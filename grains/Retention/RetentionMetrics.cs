using System.Diagnostics.Metrics;
using Metering.Grains.Engine;

namespace Metering.Grains.Retention;

/// <summary>
/// The clean-up's instruments, on the ledger's meter (<c>Metering.Ledger</c>, already exported by
/// the silo): rows deleted by table, and runs by how they ended with their duration. An operator
/// sees whether the clean-up keeps up (rows deleted per run level, runs completing rather than
/// reaching their time limit). Durations in seconds, OpenTelemetry's unit for them.
/// </summary>
internal static class RetentionMetrics
{
    private static readonly Meter Meter = new(LedgerMetrics.MeterName);

    private static readonly Counter<long> Deleted = Meter.CreateCounter<long>(
        "metering.retention.rows_deleted", "{row}", "Rows deleted by the retention clean-up, by table");

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "metering.retention.run.duration", "s", "Time of one retention run, by status (Completed, TimeLimitReached, Locked, Interrupted)",
        tags: null,
        // From a run with nothing to delete to the longest run allowed (Limits.MaxRetentionRunSeconds);
        // the default buckets are made for milliseconds.
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    public static void RowsDeleted(string table, long rows)
    {
        if (rows > 0)
        {
            Deleted.Add(rows, new KeyValuePair<string, object?>("table", table));
        }
    }

    public static void RunEnded(RetentionStatus status, TimeSpan elapsed) =>
        RunDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("status", status.ToString()));
}
