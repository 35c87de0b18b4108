using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>
/// The pool could not take the request now, after the helper's short retries
/// (<see cref="PoolBillingOptions.RequestBackoff"/>: by default 3 tries, 400 ms of backoff):
/// storage or cluster unreachable, the pool's write queue full
/// (<see cref="Outcome.Unavailable"/>), too many open holds on the pool
/// (<see cref="Outcome.TooManyOpenReservations"/>), or every try threw (<see cref="Outcome"/> null,
/// the last exception in <see cref="Exception.InnerException"/>).
/// </summary>
/// <remarks>
/// Nothing is held for the caller: an answered request acknowledged nothing, and when a try threw
/// (so a hold may have landed unseen) the helper sent a best-effort release; any hold left lapses
/// at its TTL anyway. Retrying later with the same request id is safe. Immutable and thread-safe.
/// </remarks>
public sealed class PoolUnavailableException : Exception
{
    /// <summary>Makes the exception; the helper throws it, tests of callers may build one.</summary>
    /// <param name="poolId">The pool asked.</param>
    /// <param name="requestId">The request's idempotency key.</param>
    /// <param name="outcome">The pool's last answer, or null when the last try threw.</param>
    /// <param name="innerException">What the last try threw, if it did.</param>
    public PoolUnavailableException(string poolId, string requestId, Outcome? outcome, Exception? innerException)
        : base(Describe(poolId, requestId, outcome, innerException), innerException)
    {
        PoolId = poolId;
        RequestId = requestId;
        Outcome = outcome;
    }

    /// <summary>The pool asked.</summary>
    public string PoolId { get; }

    /// <summary>The request's idempotency key: retry with it.</summary>
    public string RequestId { get; }

    /// <summary>
    /// The pool's last answer (<see cref="Outcome.Unavailable"/> or
    /// <see cref="Outcome.TooManyOpenReservations"/>), or null when the last try threw.
    /// </summary>
    public Outcome? Outcome { get; }

    private static string Describe(string poolId, string requestId, Outcome? outcome, Exception? inner) => outcome is { } answered
        ? $"Pool {poolId} answered {answered} to request {requestId}; nothing is held, retry later with the same request id."
        : $"Pool {poolId} did not answer request {requestId} ({inner?.GetType().Name}: {inner?.Message}); retry later with the same request id.";
}
