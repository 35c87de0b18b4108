namespace Metering.Bench;

/// <summary>What one timed run of a path (an HTTP load run or a pgbench run) measured, before CPU and transactions are added.</summary>
/// <param name="Requests">Requests that succeeded.</param>
/// <param name="Elapsed">From the first request to the last answer.</param>
/// <param name="RequestLatenciesMs">Every request's time, in milliseconds.</param>
/// <param name="LifecycleLatenciesMs">Every completed lifecycle's time (reserve sent to commit answered), in milliseconds; empty where not measured.</param>
/// <param name="Failures">Requests that did not succeed, by what happened.</param>
internal sealed record PathRun(
    long Requests,
    TimeSpan Elapsed,
    double[] RequestLatenciesMs,
    double[] LifecycleLatenciesMs,
    IReadOnlyDictionary<string, long> Failures);
