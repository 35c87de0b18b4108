using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Ok"/> or <see cref="Outcome.Replayed"/> with a receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolCommitResult")]
public sealed record PoolCommitResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolCommitReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
