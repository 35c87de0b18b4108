namespace Metering.PoolBilling;

/// <summary>
/// The credentials may not reach the pool (over HTTP: the API key is unknown, lacks the
/// <c>relay</c> scope, or its prefix does not reach the pool). A configuration error: never
/// retried, nothing was held or recorded.
/// </summary>
public sealed class PoolAccessDeniedException : Exception
{
    /// <summary>A refusal of the pool <paramref name="poolId"/>, with the server's reason.</summary>
    public PoolAccessDeniedException(string poolId, string reason)
        : base($"Access to pool '{poolId}' was refused: {reason}") => PoolId = poolId;

    /// <summary>The pool that was refused.</summary>
    public string PoolId { get; }
}
