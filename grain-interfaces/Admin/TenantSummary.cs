namespace Metering.GrainInterfaces.Admin;

/// <summary>A tenant that has usage events.</summary>
[GenerateSerializer, Immutable, Alias("Metering.TenantSummary")]
public sealed record TenantSummary([property: Id(0)] string TenantId);
