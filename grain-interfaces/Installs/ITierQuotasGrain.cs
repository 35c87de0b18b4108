using Orleans.Concurrency;

namespace Metering.GrainInterfaces.Installs;

/// <summary>
/// The tier quotas of the whole deployment: one grain, key <see cref="Key"/>, stored durably in
/// Orleans grain storage. Install grains read it before each decision.
/// </summary>
[Alias("Metering.ITierQuotasGrain")]
public interface ITierQuotasGrain : IGrainWithStringKey
{
    /// <summary>The one key this grain is used with.</summary>
    const string Key = "all";

    /// <summary>All tier quotas (the defaults until an admin sets one). Read-only; interleaves.</summary>
    [Alias("Get"), ReadOnly]
    Task<TierQuotas> Get();

    /// <summary>
    /// Sets one tier's quota. Returns <see cref="Common.Outcome.Ok"/> once stored durably, or
    /// <see cref="Common.Outcome.InvalidRequest"/> with errors (nothing changed).
    /// </summary>
    [Alias("Set")]
    Task<SetTierQuotaResult> Set(Tier tier, TierQuota quota);
}
