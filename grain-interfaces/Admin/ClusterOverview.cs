namespace Metering.GrainInterfaces.Admin;

/// <summary>The cluster as of <see cref="At"/>; activity is summed over the silos that reported within the freshness bound.</summary>
/// <param name="PostgresReachable">A trivial query answered within the probe's timeout.</param>
/// <param name="PostgresMillis">How long that query took, in milliseconds; null when it failed.</param>
/// <param name="WindowSeconds">The activity window: operation counts are over this many seconds.</param>
[GenerateSerializer, Immutable, Alias("Metering.ClusterOverview")]
public sealed record ClusterOverview(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] IReadOnlyList<SiloState> Silos,
    [property: Id(2)] IReadOnlyList<FrontEndBeat> FrontEnds,
    [property: Id(3)] bool PostgresReachable,
    [property: Id(4)] double? PostgresMillis,
    [property: Id(5)] int WindowSeconds,
    [property: Id(6)] IReadOnlyList<OperationCount> Operations,
    [property: Id(7)] FlushSummary Flush,
    [property: Id(8)] IReadOnlyList<NearLimit> NearestLimits);
