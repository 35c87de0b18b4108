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

    private static readonly Histogram<int> Accounts = Meter.CreateHistogram<int>(
        "metering.ledger.flush.accounts", "{account}", "Accounts written by one shared flush (one transaction)");

    private static readonly Histogram<int> Operations = Meter.CreateHistogram<int>(
        "metering.ledger.flush.batch_size", "{operation}", "Operations written by one shared flush (one transaction)");

    private static readonly Histogram<double> Wait = Meter.CreateHistogram<double>(
        "metering.ledger.flush.wait", "s", "How long the oldest account write of a flush waited for a writer");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "metering.ledger.flush.duration", "s", "Time of one shared flush, from taking a connection to the commit (retries without failed accounts included), by status");

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
