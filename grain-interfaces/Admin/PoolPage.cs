using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.GrainInterfaces.Admin;

/// <summary>One page of pools' balances; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolPage")]
public sealed record PoolPage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PoolView> Items,
    [property: Id(2)] string? Next);
