using System.Text.Json.Serialization;
using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>
/// A tier's quota, in credits. At most one of <see cref="Lifetime"/> and <see cref="Monthly"/> is
/// set; both null means unlimited (counted monthly). A gemini cap, when set, must match the basis
/// (<see cref="GeminiCapLifetime"/> with a lifetime quota, <see cref="GeminiCapMonthly"/> otherwise).
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.TierQuota")]
public sealed record TierQuota(
    [property: Id(0)] long? Lifetime,
    [property: Id(1)] long? Monthly,
    [property: Id(2)] long? GeminiCapLifetime,
    [property: Id(3)] long? GeminiCapMonthly)
{
    /// <summary>The counters this quota is measured against.</summary>
    [JsonIgnore]
    public QuotaBasis Basis => Lifetime is not null ? QuotaBasis.Lifetime : QuotaBasis.Monthly;

    /// <summary>The credit limit on <see cref="Basis"/>'s counters; null when unlimited.</summary>
    [JsonIgnore]
    public long? Limit => Lifetime ?? Monthly;

    /// <summary>The gemini cap on <see cref="Basis"/>'s counters; null when there is none.</summary>
    [JsonIgnore]
    public long? GeminiCap => Basis == QuotaBasis.Lifetime ? GeminiCapLifetime : GeminiCapMonthly;

    /// <summary>The quota a tier has until an admin sets one, as the API contract states.</summary>
    public static TierQuota DefaultFor(Tier tier) => tier switch
    {
        Tier.Core => new TierQuota(100, null, null, null),
        Tier.Pro => new TierQuota(null, 1000, null, null),
        Tier.Max => new TierQuota(null, null, null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown tier"),
    };

    /// <summary>Checks the quota as an admin submitted it; returns null when it is valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        CheckAmount(errors, "lifetime", Lifetime);
        CheckAmount(errors, "monthly", Monthly);
        CheckAmount(errors, "geminiCapLifetime", GeminiCapLifetime);
        CheckAmount(errors, "geminiCapMonthly", GeminiCapMonthly);
        if (Lifetime is not null && Monthly is not null)
        {
            errors.Add("monthly", "exactly one of lifetime / monthly applies: set the other to null");
        }

        if (Basis == QuotaBasis.Lifetime && GeminiCapMonthly is not null)
        {
            errors.Add("geminiCapMonthly", "a lifetime quota takes geminiCapLifetime, not geminiCapMonthly");
        }

        if (Basis == QuotaBasis.Monthly && GeminiCapLifetime is not null)
        {
            errors.Add("geminiCapLifetime", "a monthly or unlimited quota takes geminiCapMonthly, not geminiCapLifetime");
        }

        return errors.OrNull();
    }

    private static void CheckAmount(ValidationErrors errors, string field, long? value)
    {
        if (value is not null)
        {
            errors.RequireAmount(field, value.Value);
        }
    }
}
