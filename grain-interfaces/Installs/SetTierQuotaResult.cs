using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to setting a tier quota.</summary>
[GenerateSerializer, Immutable, Alias("Metering.SetTierQuotaResult")]
public sealed record SetTierQuotaResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] TierQuota? Quota,
    [property: Id(2)] ValidationErrors? Errors = null);
