namespace Metering.GrainInterfaces.Installs;

/// <summary>The tier quotas with their version: every change adds one, so a cache keeps the newest whatever order notices arrive in.</summary>
[GenerateSerializer, Immutable, Alias("Metering.TierQuotasSnapshot")]
public sealed record TierQuotasSnapshot(
    [property: Id(0)] TierQuotas Quotas,
    [property: Id(1)] long Version);
