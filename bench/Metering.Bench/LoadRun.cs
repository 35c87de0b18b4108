namespace Metering.Bench;

/// <summary>What one closed-loop run did, timed by the wall clock from its first call to its last answer.</summary>
/// <param name="Retries">Calls answered Unavailable (queue full) and sent again.</param>
/// <param name="CallLatenciesMs">The time of every call, in milliseconds.</param>
internal sealed record LoadRun(
    string Label,
    int Callers,
    long Events,
    long Calls,
    long Retries,
    TimeSpan Elapsed,
    bool CutShort,
    double[] CallLatenciesMs)
{
    /// <summary>Write transactions PostgreSQL started during the run (from transaction ids); 0 if not measured.</summary>
    public long Transactions { get; init; }

    /// <summary>What <see cref="Events"/> counts, in the plural ("events", "reserves"), for printed lines.</summary>
    public string Unit { get; init; } = "events";

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public double EventsPerTransaction => Transactions > 0 ? (double)Events / Transactions : 0;

    public double CallMedianMs => Percentiles.Of(CallLatenciesMs, 50);

    public double CallP95Ms => Percentiles.Of(CallLatenciesMs, 95);

    /// <summary>Two runs of the same path (e.g. the two halves of an ABBA order) as one.</summary>
    public LoadRun Plus(LoadRun other) => new(
        Label,
        Callers,
        Events + other.Events,
        Calls + other.Calls,
        Retries + other.Retries,
        Elapsed + other.Elapsed,
        CutShort || other.CutShort,
        [.. CallLatenciesMs, .. other.CallLatenciesMs])
    {
        Transactions = Transactions + other.Transactions,
        Unit = Unit,
    };

    public string Summary() =>
        $"{Events:N0} {Unit} in {Elapsed.TotalSeconds:N1} s = {EventsPerSecond:N0} {Unit}/s " +
        $"(call median {CallMedianMs:N1} ms, p95 {CallP95Ms:N1} ms" +
        (Transactions > 0 ? $", {EventsPerTransaction:N1} {Unit} per transaction" : "") +
        (Retries > 0 ? $", {Retries:N0} retries" : "") +
        (CutShort ? ", CUT SHORT by the time limit" : "") + ")";
}
