using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>
/// <see cref="BillableCall.CommitAsync"/> could not record the call's cost: the pool refused the
/// commit (<see cref="Outcome"/>), or kept answering <see cref="Outcome.Unavailable"/>, or every
/// try threw (<see cref="Outcome"/> null, the last exception in <see cref="Exception.InnerException"/>).
/// The helper then released the hold; the call is closed.
/// </summary>
/// <remarks>
/// <para>Distinct from the reserve's exceptions on purpose: the model call ran, and its cost was not
/// recorded. Log it, alert on it, reconcile from <see cref="RequestId"/> if your service must.</para>
/// <para>When <see cref="HoldReleased"/> is true the pool confirmed the hold is gone (released, or
/// expired), so this call was charged nothing. When false, that is not known: the release failed
/// too (the hold then lapses by itself at <see cref="BillableCall.ExpiresAt"/>), or the reservation
/// was committed by another body under the same request id. Immutable and thread-safe.</para>
/// </remarks>
public sealed class SettlementException : Exception
{
    /// <summary>Makes the exception; the helper throws it, tests of callers may build one.</summary>
    /// <param name="poolId">The pool of the call.</param>
    /// <param name="requestId">The call's idempotency key.</param>
    /// <param name="outcome">The pool's last answer to the commit, or null when the last try threw.</param>
    /// <param name="holdReleased">True when the pool confirmed the hold released or expired.</param>
    /// <param name="innerException">What the last commit try threw, if it did.</param>
    public SettlementException(string poolId, string requestId, Outcome? outcome, bool holdReleased, Exception? innerException)
        : base(Describe(poolId, requestId, outcome, holdReleased, innerException), innerException)
    {
        PoolId = poolId;
        RequestId = requestId;
        Outcome = outcome;
        HoldReleased = holdReleased;
    }

    /// <summary>The pool of the call.</summary>
    public string PoolId { get; }

    /// <summary>The call's idempotency key (the reservation's request id).</summary>
    public string RequestId { get; }

    /// <summary>
    /// The pool's last answer to the commit (<see cref="Outcome.ReservationNotOpen"/>,
    /// <see cref="Outcome.NotFound"/>, <see cref="Outcome.RequestIdConflict"/>,
    /// <see cref="Outcome.InvalidRequest"/>, <see cref="Outcome.Unavailable"/>), or null when the last try threw.
    /// </summary>
    public Outcome? Outcome { get; }

    /// <summary>True when the pool confirmed the hold released or expired: nothing was charged for this call.</summary>
    public bool HoldReleased { get; }

    private static string Describe(string poolId, string requestId, Outcome? outcome, bool released, Exception? inner)
    {
        string why = outcome is { } answered ? $"the pool answered {answered}" : $"the pool did not answer ({inner?.GetType().Name}: {inner?.Message})";
        string hold = released ? "the hold was released" : "the release was not confirmed (the hold lapses at its expiry)";
        return $"The cost of call {requestId} on pool {poolId} was not recorded: {why}; {hold}.";
    }
}
