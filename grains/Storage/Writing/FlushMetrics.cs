using System.Diagnostics.Metrics;

namespace Metering.Grains.Storage;

/// <summary>
/// The shared flush's instruments, on the ledger's meter (<see cref="MeterName"/>, which the
/// engine's own instruments share): per transaction, how many accounts and operations it carried,
/// how long the oldest of them waited for a writer and how long the transaction took, in seconds
/// (OpenTelemetry's unit for durations); per account, what its write came to.
/// </summary>
internal static class FlushMetrics
{
    public const string MeterName = "Metering.Ledger";

    /// <summary>The one meter of the ledger, for every layer of it.</summary>
    public static Meter Meter { get; } = new(MeterName);

    /// <summary>
    /// Buckets for a flush's times, in seconds: from half a millisecond (a flush on an idle
    /// database) to 10 s (far past the 503 bound on waiting). Without them an SDK uses its
    /// default buckets, made for milliseconds (0 to 10,000), and every flush lands in the first.
    /// </summary>
    internal static InstrumentAdvice<double> FlushSeconds { get; } = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private static readonly Histogram<int> Accounts = Meter.CreateHistogram<int>(
        "metering.ledger.flush.accounts", "{account}", "Accounts written by one shared flush (one transaction)");

    private static readonly Histogram<int> Operations = Meter.CreateHistogram<int>(
        "metering.ledger.flush.batch_size", "{operation}", "Operations written by one shared flush (one transaction)");

    private static readonly Histogram<double> Wait = Meter.CreateHistogram<double>(
        "metering.ledger.flush.wait", "s", "How long the oldest account write of a flush waited for a writer", tags: null, advice: FlushSeconds);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "metering.ledger.flush.duration", "s", "Time of one shared flush, from taking a connection to the commit (retries without failed accounts included), by status", tags: null, advice: FlushSeconds);

    private static readonly Counter<long> AccountWrites = Meter.CreateCounter<long>(
        "metering.ledger.flush.account_writes", "{account}", "Account writes by what they came to (committed, fenced, duplicate_keys, failed)");

    public static void Flushed(int accounts, int operations, TimeSpan wait, TimeSpan duration, string status)
    {
        Accounts.Record(accounts);
        Operations.Record(operations);
        Wait.Record(wait.TotalSeconds);
        Duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));
    }

    public static void AccountWritten(string status, int count = 1)
    {
        if (count > 0)
        {
            AccountWrites.Add(count, new KeyValuePair<string, object?>("status", status));
        }
    }
}
