using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Storage;

namespace Metering.Grains.Installs;

/// <summary>
/// The tier quotas, kept in Orleans grain storage (ADO.NET on PostgreSQL): small configuration
/// written rarely by an admin and read by every install decision, through each silo's
/// <see cref="TierQuotasCache"/>. A write is durable, and told to every subscribed silo, before
/// <see cref="Set"/> answers; a storage version conflict escapes, deactivating this activation.
/// </summary>
[GrainType("tier-quotas")]
// Never collected for idleness: its subscribers live in its memory, and a new activation starts
// with none (caches then learn of changes only at their next renewal). Only a silo's loss moves it.
[KeepAlive]
internal sealed class TierQuotasGrain(
    [PersistentState("tier-quotas", StorageNames.Config)] IPersistentState<TierQuotasState> state,
    TimeProvider time)
    : Grain, ITierQuotasGrain
{
    /// <summary>How long a silo waits to be told of a change before the admin is answered anyway (it catches up on renewal).</summary>
    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan SubscriptionLength = TimeSpan.FromSeconds(Limits.TierQuotasSubscriptionSeconds);

    // Subscribers and when their subscription lapses. In memory only: after a deactivation every
    // silo subscribes again at its next renewal (at most half a subscription later).
    private readonly Dictionary<ITierQuotasObserver, DateTimeOffset> _subscribers = [];

    private TierQuotasSnapshot Current => new(state.State.Quotas ?? TierQuotas.Defaults, state.State.Version);

    public Task<TierQuotas> Get() => Task.FromResult(Current.Quotas);

    public Task<TierQuotasSnapshot> Subscribe(ITierQuotasObserver observer)
    {
        var now = time.GetUtcNow();
        Prune(now);
        if (_subscribers.ContainsKey(observer) || _subscribers.Count < Limits.MaxTierQuotasSubscribers)
        {
            _subscribers[observer] = now + SubscriptionLength;
        }

        // Past the bound the silo is not told of changes; it still reads them at each renewal.
        return Task.FromResult(Current);
    }

    public async Task<SetTierQuotaResult> Set(Tier tier, TierQuota quota)
    {
        var errors = quota.Validate();
        if (!Enum.IsDefined(tier))
        {
            errors ??= new ValidationErrors();
            errors.Add("tier", "must be core, pro or max");
        }

        if (errors is not null)
        {
            return new SetTierQuotaResult(Outcome.InvalidRequest, null, errors);
        }

        var (previous, previousVersion) = (state.State.Quotas, state.State.Version);
        state.State.Quotas = (previous ?? TierQuotas.Defaults).With(tier, quota);
        state.State.Version = previousVersion + 1;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory must not claim what storage refused.
            (state.State.Quotas, state.State.Version) = (previous, previousVersion);
            throw;
        }

        await TellSubscribersAsync(Current);
        return new SetTierQuotaResult(Outcome.Ok, quota);
    }

    /// <summary>Tells every subscribed silo, in parallel, each within <see cref="NoticeTimeout"/>; one that fails is dropped until it renews.</summary>
    private async Task TellSubscribersAsync(TierQuotasSnapshot snapshot)
    {
        Prune(time.GetUtcNow());
        var failed = new List<ITierQuotasObserver>();
        await Task.WhenAll(_subscribers.Keys.ToList().Select(async subscriber =>
        {
            try
            {
                await subscriber.QuotasChanged(snapshot).WaitAsync(NoticeTimeout);
            }
            catch (Exception)
            {
                // A silo gone or slow: it reads the quotas again when it renews its subscription.
                failed.Add(subscriber);
            }
        }));
        foreach (var subscriber in failed)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (subscriber, lapsesAt) in _subscribers.ToList())
        {
            if (lapsesAt <= now)
            {
                _subscribers.Remove(subscriber);
            }
        }
    }
}
