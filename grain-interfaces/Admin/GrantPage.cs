using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// One page of a pool's grants, each as its first answer recorded it (the balance right after the
/// grant), in grantId order; <see cref="Next"/> is null on the last page.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.GrantPage")]
public sealed record GrantPage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PoolGrantReceipt> Items,
    [property: Id(2)] string? Next);
