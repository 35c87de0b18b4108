namespace Metering.PoolBilling;

/// <summary>
/// The request id was used before on this pool with a different body (<c>request_id_conflict</c>):
/// the pool changed nothing. A caller bug (an id reused for another call), hence an
/// <see cref="InvalidOperationException"/>; use a new request id for a new call.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RequestIdConflictException : InvalidOperationException
{
    /// <summary>Makes the exception; the helper throws it, tests of callers may build one.</summary>
    /// <param name="poolId">The pool asked.</param>
    /// <param name="requestId">The reused idempotency key.</param>
    public RequestIdConflictException(string poolId, string requestId)
        : base($"Request id {requestId} was used before on pool {poolId} with a different body; nothing changed. Use a new request id.")
    {
        PoolId = poolId;
        RequestId = requestId;
    }

    /// <summary>The pool asked.</summary>
    public string PoolId { get; }

    /// <summary>The reused idempotency key.</summary>
    public string RequestId { get; }
}
