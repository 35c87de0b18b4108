using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>One page of audit records; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolUsagePage")]
public sealed record PoolUsagePage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PoolUsageRecord> Items,
    [property: Id(2)] long? Next,
    [property: Id(3)] ValidationErrors? Errors = null);
