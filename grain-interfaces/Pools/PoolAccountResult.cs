using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Ok"/> with the pool, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolAccountResult")]
public sealed record PoolAccountResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolView? Pool = null,
    [property: Id(2)] ValidationErrors? Errors = null);
