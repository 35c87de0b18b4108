using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// Account grain references, made once and reused. Orleans' <c>GrainFactory.GetGrain</c> resolves
/// the grain interface's type from its attributes (reflection) on every call; profiled under the
/// HTTP benchmark that was about 3 % of client-api's CPU. A reference is immutable and may be
/// shared, so the front end keeps the ones it made: per Orleans client (tests run several in one
/// process), at most <see cref="MaxCachedReferences"/> per interface; a full cache is emptied and
/// refills, since a reference costs only that reflection to make again.
/// </summary>
internal static class GrainReferences<TGrain>
    where TGrain : IGrainWithStringKey
{
    /// <summary>References kept per interface and client: about 15 MB at the bound.</summary>
    public const int MaxCachedReferences = 100_000;

    private static readonly ConditionalWeakTable<IGrainFactory, ConcurrentDictionary<string, TGrain>> ByClient = [];

    public static TGrain Get(IGrainFactory grains, string key)
    {
        var cache = ByClient.GetValue(grains, _ => new ConcurrentDictionary<string, TGrain>(StringComparer.Ordinal));
        if (cache.TryGetValue(key, out var grain))
        {
            return grain;
        }

        grain = grains.GetGrain<TGrain>(key);
        if (cache.Count >= MaxCachedReferences)
        {
            cache.Clear();
        }

        cache.TryAdd(key, grain);
        return grain;
    }
}
