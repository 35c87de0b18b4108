using Metering.GrainInterfaces.Installs;

namespace Metering.Grains.Installs;

/// <summary>The stored tier quotas; null until an admin first sets one (the defaults apply).</summary>
[GenerateSerializer, Alias("Metering.TierQuotasState")]
internal sealed class TierQuotasState
{
    [Id(0)]
    public TierQuotas? Quotas { get; set; }

    /// <summary>How many changes were stored: the version of <see cref="Quotas"/>.</summary>
    [Id(1)]
    public long Version { get; set; }
}
