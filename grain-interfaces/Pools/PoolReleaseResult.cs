using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Ok"/> or <see cref="Outcome.Replayed"/> with a receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolReleaseResult")]
public sealed record PoolReleaseResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolReleaseReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
