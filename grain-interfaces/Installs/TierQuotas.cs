namespace Metering.GrainInterfaces.Installs;

/// <summary>The quota of every tier, as stored by the tier-quotas grain.</summary>
[GenerateSerializer, Immutable, Alias("Metering.TierQuotas")]
public sealed record TierQuotas(
    [property: Id(0)] TierQuota Core,
    [property: Id(1)] TierQuota Pro,
    [property: Id(2)] TierQuota Max)
{
    /// <summary>The contract's defaults.</summary>
    public static TierQuotas Defaults { get; } = new(
        TierQuota.DefaultFor(Tier.Core), TierQuota.DefaultFor(Tier.Pro), TierQuota.DefaultFor(Tier.Max));

    /// <summary>The quota of one tier.</summary>
    public TierQuota For(Tier tier) => tier switch
    {
        Tier.Core => Core,
        Tier.Pro => Pro,
        Tier.Max => Max,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown tier"),
    };

    /// <summary>A copy with one tier's quota replaced.</summary>
    public TierQuotas With(Tier tier, TierQuota quota) => tier switch
    {
        Tier.Core => this with { Core = quota },
        Tier.Pro => this with { Pro = quota },
        Tier.Max => this with { Max = quota },
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown tier"),
    };
}
