namespace Metering.Bench;

/// <summary>
/// One path of one comparison of the http scenario (Metering over HTTP, or plain SQL through
/// pgbench), both halves of its ABBA order summed: the requests answered with success, a reserve
/// or a commit each, and what they cost.
/// </summary>
/// <param name="Requests">Requests that succeeded: reserves answered 201 and commits answered 200, or plain SQL transactions.</param>
/// <param name="Elapsed">From the first request to the last answer (pgbench: its run time without connecting).</param>
/// <param name="RequestLatenciesMs">The time of every request (pgbench: of every transaction, each one request), in milliseconds.</param>
/// <param name="LifecycleLatenciesMs">Reserve sent to commit answered, in milliseconds; empty where not measured (pgbench).</param>
/// <param name="Failures">Requests that did not succeed, by what happened: an HTTP status, or for plain SQL a refused reserve or a commit that found no hold.</param>
/// <param name="Transactions">Write transactions PostgreSQL started during the phases (from transaction ids).</param>
/// <param name="LoadGeneratorIsChild">True for pgbench (a child process), false for this process's HTTP generator.</param>
internal sealed record LifecyclePath(
    string Label,
    int Connections,
    long Requests,
    TimeSpan Elapsed,
    double[] RequestLatenciesMs,
    double[] LifecycleLatenciesMs,
    IReadOnlyDictionary<string, long> Failures,
    long Transactions,
    ClusterCpuUse Cpu,
    bool LoadGeneratorIsChild)
{
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    public double MeanMs => RequestLatenciesMs.Length > 0 ? RequestLatenciesMs.Average() : 0;

    public double P50Ms => Percentiles.Of(RequestLatenciesMs, 50);

    public double P99Ms => Percentiles.Of(RequestLatenciesMs, 99);

    public double? LifecycleP99Ms => LifecycleLatenciesMs.Length > 0 ? Percentiles.Of(LifecycleLatenciesMs, 99) : null;

    public long FailureCount => Failures.Values.Sum();

    public double RequestsPerTransaction => Transactions > 0 ? (double)Requests / Transactions : 0;

    /// <summary>CPU of the load generator: this process for HTTP, pgbench for plain SQL.</summary>
    public TimeSpan? LoadGeneratorCpu => LoadGeneratorIsChild ? Cpu.Children : Cpu.Common.Process;

    /// <summary>Milliseconds of CPU per 1,000 successful requests.</summary>
    public double? PerThousand(TimeSpan? cpu) => CpuUse.PerThousand(cpu, Requests);

    /// <summary>Silo, client-api and PostgreSQL together (the service's side), per 1,000 requests.</summary>
    public double? ServiceAndDatabasePerThousand => PerThousand(Cpu.Silo + Cpu.Api + Cpu.Common.Postgres);

    /// <summary>Silo and client-api together, per 1,000 requests.</summary>
    public double? ServicePerThousand => PerThousand(Cpu.Silo + Cpu.Api);

    public LifecyclePath Plus(LifecyclePath other) => this with
    {
        Requests = Requests + other.Requests,
        Elapsed = Elapsed + other.Elapsed,
        RequestLatenciesMs = [.. RequestLatenciesMs, .. other.RequestLatenciesMs],
        LifecycleLatenciesMs = [.. LifecycleLatenciesMs, .. other.LifecycleLatenciesMs],
        Failures = Failures.Concat(other.Failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value)),
        Transactions = Transactions + other.Transactions,
        Cpu = Cpu.Plus(other.Cpu),
    };

    /// <summary>"none", or "503: 12, 500: 1".</summary>
    public string DescribeFailures() =>
        Failures.Count == 0 ? "none" : string.Join(", ", Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value:N0}"));
}
