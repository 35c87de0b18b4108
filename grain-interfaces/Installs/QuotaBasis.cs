namespace Metering.GrainInterfaces.Installs;

/// <summary>Which counters a tier's quota is measured against (the API's <c>capped</c> field).</summary>
[GenerateSerializer, Alias("Metering.QuotaBasis")]
public enum QuotaBasis
{
    /// <summary>Credits never reset.</summary>
    Lifetime = 0,

    /// <summary>Credits reset on the 1st of each UTC month. Unlimited quotas count monthly too.</summary>
    Monthly = 1,
}
