using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Created"/> or <see cref="Outcome.Replayed"/> with the audit record, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolUsageResult")]
public sealed record PoolUsageResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolUsageRecord? Record = null,
    [property: Id(2)] ValidationErrors? Errors = null);
