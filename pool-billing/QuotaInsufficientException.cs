namespace Metering.PoolBilling;

/// <summary>
/// The pool refused the hold (<c>quota_insufficient</c>): <see cref="RequestedMicros"/> does not fit
/// in <see cref="RemainingMicros"/>. Nothing is held and nothing was charged; the model call should
/// not run as a billable call. All amounts are micro-USD, as the pool judged them at that moment.
/// </summary>
/// <remarks>Immutable and thread-safe. Retrying the same request gives the same refusal until the pool's balance changes (a grant, a release, a hold expiring).</remarks>
public sealed class QuotaInsufficientException : Exception
{
    /// <summary>Makes the exception; the helper throws it, tests of callers may build one.</summary>
    /// <param name="poolId">The pool that refused.</param>
    /// <param name="requestId">The refused request's idempotency key.</param>
    /// <param name="usageType">The refused call's usage type.</param>
    /// <param name="requestedMicros">What the call asked to hold, micro-USD.</param>
    /// <param name="usedMicros">What the pool had consumed, micro-USD.</param>
    /// <param name="limitMicros">The pool's limit, micro-USD.</param>
    /// <param name="remainingMicros">Limit − used − held, never below 0, micro-USD.</param>
    public QuotaInsufficientException(string poolId, string requestId, string usageType, long requestedMicros, long usedMicros, long limitMicros, long remainingMicros)
        : base($"Pool {poolId} cannot hold {requestedMicros} micro-USD for {usageType} (request {requestId}): {remainingMicros} of {limitMicros} remain, {usedMicros} used.")
    {
        PoolId = poolId;
        RequestId = requestId;
        UsageType = usageType;
        RequestedMicros = requestedMicros;
        UsedMicros = usedMicros;
        LimitMicros = limitMicros;
        RemainingMicros = remainingMicros;
    }

    /// <summary>The pool that refused.</summary>
    public string PoolId { get; }

    /// <summary>The refused request's idempotency key.</summary>
    public string RequestId { get; }

    /// <summary>The usage type of the refused call.</summary>
    public string UsageType { get; }

    /// <summary>What the call asked to hold, in micro-USD.</summary>
    public long RequestedMicros { get; }

    /// <summary>What the pool had consumed (committed calls), in micro-USD.</summary>
    public long UsedMicros { get; }

    /// <summary>The pool's limit, in micro-USD (0 for a pool never configured).</summary>
    public long LimitMicros { get; }

    /// <summary>Limit − used − held by open holds, never below 0, in micro-USD.</summary>
    public long RemainingMicros { get; }
}
