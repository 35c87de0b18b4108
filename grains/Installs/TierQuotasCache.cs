using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Admin;
using Metering.Grains.Engine;

namespace Metering.Grains.Installs;

/// <summary>
/// The tier quotas as this silo knows them, so an install decision never calls the one
/// tier-quotas grain (possibly on another silo) per request. The cache subscribes to changes:
/// the grain tells it of each change before the admin's PUT is answered. It renews its
/// subscription (and re-reads the quotas) every half of <see cref="Limits.TierQuotasSubscriptionSeconds"/>,
/// so a silo that missed a notice is behind by at most that. The newest version always wins.
/// Thread-safe: install grains on every thread of the silo read it. A change of version takes the
/// installs off the silo's <see cref="NearLimitBoard"/>: their limits changed, and each tells the
/// board again at its next change.
/// </summary>
internal sealed class TierQuotasCache(IGrainFactory grains, TimeProvider time, NearLimitBoard board) : ITierQuotasObserver
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(Limits.TierQuotasSubscriptionSeconds / 2.0);

    private readonly Lock _gate = new();
    private (TierQuotasSnapshot Snapshot, long RenewAt)? _current;
    private Task<TierQuotas>? _renewing;
    private ITierQuotasObserver? _reference;

    /// <summary>The quotas this silo read last, however old; null before the first read.</summary>
    public TierQuotas? Known
    {
        get
        {
            lock (_gate)
            {
                return _current?.Snapshot.Quotas;
            }
        }
    }

    /// <summary>The quotas: from memory while the subscription is fresh, else renewed first (one call for every waiting caller).</summary>
    public Task<TierQuotas> GetAsync()
    {
        lock (_gate)
        {
            if (_current is { } current && time.GetTimestamp() < current.RenewAt)
            {
                return Task.FromResult(current.Snapshot.Quotas);
            }

            // Off the calling grain's scheduler: a silo creates an observer reference only outside
            // grain context (Orleans refuses it inside a grain), as the silo's own hosted client.
            return _renewing ??= Task.Run(RenewAsync);
        }
    }

    Task ITierQuotasObserver.QuotasChanged(TierQuotasSnapshot snapshot)
    {
        // A notice does not extend the subscription: only a renewal does, so the cache renews
        // before the grain's subscription lapses, however many notices arrive.
        Keep(snapshot, renewed: false);
        return Task.CompletedTask;
    }

    private async Task<TierQuotas> RenewAsync()
    {
        try
        {
            ITierQuotasObserver reference;
            lock (_gate)
            {
                reference = _reference ??= grains.CreateObjectReference<ITierQuotasObserver>(this);
            }

            var snapshot = await grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Subscribe(reference);
            return Keep(snapshot, renewed: true);
        }
        finally
        {
            lock (_gate)
            {
                _renewing = null;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="snapshot"/> unless a newer version is known already, and, after a
    /// renewal, the time of the next one; returns the quotas now held.
    /// </summary>
    private TierQuotas Keep(TierQuotasSnapshot snapshot, bool renewed)
    {
        lock (_gate)
        {
            long renewAt = renewed || _current is not { } known
                ? time.GetTimestamp() + (long)(RenewEvery.TotalSeconds * time.TimestampFrequency)
                : known.RenewAt;
            var newest = _current is { } current && current.Snapshot.Version > snapshot.Version ? current.Snapshot : snapshot;
            if (_current is { } before && before.Snapshot.Version != newest.Version)
            {
                board.ForgetKind(AccountKinds.Install);
            }

            _current = (newest, renewAt);
            return newest.Quotas;
        }
    }
}
