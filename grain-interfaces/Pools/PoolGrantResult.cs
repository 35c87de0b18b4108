using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Created"/> the first time, <see cref="Outcome.Replayed"/> after, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolGrantResult")]
public sealed record PoolGrantResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolGrantReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
