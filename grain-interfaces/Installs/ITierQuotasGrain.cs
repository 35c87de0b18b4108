using Metering.GrainInterfaces.Common;
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
    /// Registers <paramref name="observer"/> to be told of every change (for
    /// <see cref="Limits.TierQuotasSubscriptionSeconds"/> seconds: subscribers renew before that) and
    /// returns the quotas as they are now, with their version.
    /// </summary>
    [Alias("Subscribe")]
    Task<TierQuotasSnapshot> Subscribe(ITierQuotasObserver observer);

    /// <summary>
    /// Sets one tier's quota. Returns <see cref="Common.Outcome.Ok"/> once stored durably and every
    /// subscribed silo was told (a silo that could not be told within a second catches up when it
    /// renews its subscription, at most <see cref="Limits.TierQuotasSubscriptionSeconds"/> / 2 s later), or
    /// <see cref="Common.Outcome.InvalidRequest"/> with errors (nothing changed).
    /// </summary>
    [Alias("Set")]
    Task<SetTierQuotaResult> Set(Tier tier, TierQuota quota);
}
