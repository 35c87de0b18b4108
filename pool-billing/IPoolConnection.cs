using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>
/// How <see cref="PoolBillingClient"/> reaches one pool: its grain inside the cluster
/// (<see cref="PoolBillingClient(IGrainFactory)"/>) or client-api over HTTP (the
/// <c>Metering.ApiClient</c> package). Answers are the grain contract's results, so retries,
/// refusals and settlement behave the same over both.
/// </summary>
/// <remarks>
/// An implementation answers what the pool answered (<c>Unavailable</c> included: nothing was
/// acknowledged, the helper retries) and throws when it cannot know (a timeout, a lost
/// connection: the helper retries the same request, which the request id makes safe), except
/// <see cref="PoolAccessDeniedException"/>, which the helper never retries.
/// </remarks>
public interface IPoolConnection
{
    /// <summary>Holds micro-USD for one call (<c>IPoolGrain.Reserve</c>).</summary>
    Task<PoolReserveResult> Reserve(PoolReserveRequest request);

    /// <summary>Records the actual cost of a call that ran (<c>IPoolGrain.Commit</c>).</summary>
    Task<PoolCommitResult> Commit(PoolCommitRequest request);

    /// <summary>Frees a hold (<c>IPoolGrain.Release</c>).</summary>
    Task<PoolReleaseResult> Release(string requestId);

    /// <summary>Records a free call (<c>IPoolGrain.RecordFreeUsage</c>).</summary>
    Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request);
}

/// <summary>A pool's grain as a connection: the grain's answers as they are.</summary>
internal sealed class GrainPoolConnection(IPoolGrain pool) : IPoolConnection
{
    public Task<PoolReserveResult> Reserve(PoolReserveRequest request) => pool.Reserve(request);

    public Task<PoolCommitResult> Commit(PoolCommitRequest request) => pool.Commit(request);

    public Task<PoolReleaseResult> Release(string requestId) => pool.Release(requestId);

    public Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request) => pool.RecordFreeUsage(request);
}
