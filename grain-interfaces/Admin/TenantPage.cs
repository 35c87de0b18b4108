using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Admin;

/// <summary>One page of tenants; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("Metering.TenantPage")]
public sealed record TenantPage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<TenantSummary> Items,
    [property: Id(2)] string? Next);
