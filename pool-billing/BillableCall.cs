using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>
/// One billable call with its hold on the pool: commit the actual cost with <see cref="CommitAsync"/>,
/// or leave the <c>await using</c> scope without calling it (an exception, a cancellation) and
/// <see cref="DisposeAsync"/> releases the hold. Made by <see cref="PoolBillingClient.BeginBillableCallAsync"/>.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one call, one owner. Do not commit and dispose from two threads at once.</para>
/// <para>Calling <see cref="CommitAsync"/> says the model call ran, so from then on the hold is
/// never released, whatever happens. Every call ends in one of three states: committed (the cost
/// and its audit record are durable); not charged (<see cref="CommitAsync"/> never called: released,
/// or left to lapse at <see cref="ExpiresAt"/> when even the release failed); or owed (a
/// <see cref="SettlementException"/>: nothing recorded yet, the hold left to its expiry, the commit
/// in the exception to re-send).</para>
/// </remarks>
public sealed class BillableCall : IAsyncDisposable
{
    private readonly IPoolConnection _pool;
    private readonly RetryPolicy _retry;
    private readonly TimeSpan _commitRetryTime;
    private CallState _state = CallState.Open;

    /// <summary>True once <see cref="CommitAsync"/> was called: the call ran, and its hold must never be released.</summary>
    private bool _ran;

    internal BillableCall(IPoolConnection pool, string poolId, PoolReservation reservation, RetryPolicy retry, TimeSpan commitRetryTime)
    {
        _pool = pool;
        _retry = retry;
        _commitRetryTime = commitRetryTime;
        PoolId = poolId;
        RequestId = reservation.RequestId;
        ReservedMicros = reservation.ReservedMicros;
        RemainingMicros = reservation.RemainingMicros;
        ExpiresAt = reservation.ExpiresAt;
    }

    private enum CallState
    {
        Open,
        Committing,
        Committed,
        Unsettled,
        Closed,
    }

    /// <summary>The pool the hold is on.</summary>
    public string PoolId { get; }

    /// <summary>The call's idempotency key: the reservation's request id, used again by the commit and the release.</summary>
    public string RequestId { get; }

    /// <summary>What the hold holds, in micro-USD.</summary>
    public long ReservedMicros { get; }

    /// <summary>What remained of the pool right after this hold, in micro-USD (limit − used − held, never below 0).</summary>
    public long RemainingMicros { get; }

    /// <summary>When the hold lapses by itself if neither committed nor released (UTC, set by the pool's clock).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>True once <see cref="CommitAsync"/> has returned a receipt.</summary>
    public bool IsCommitted => _state == CallState.Committed;

    /// <summary>
    /// Finalizes the call with what it really cost, and records its audit entry (same transaction).
    /// Calling it says the call ran: from then on the hold is never released, even when this throws.
    /// </summary>
    /// <param name="actualMicros">The actual cost, 0 to 10^15 micro-USD; may exceed <see cref="ReservedMicros"/> (the call ran, it is never refused for lack of funds).</param>
    /// <param name="promptTokens">Prompt tokens, 0 to 10^15.</param>
    /// <param name="completionTokens">Completion tokens, 0 to 10^15.</param>
    /// <param name="model">The model name, 1 to 128 characters, no control characters.</param>
    /// <param name="usageType">Null keeps the reservation's usage type.</param>
    /// <param name="callDetailsJson">Free-form JSON for the audit record, at most <see cref="Limits.MaxCallDetailsBytes"/> bytes, or null.</param>
    /// <param name="ct">Observed only before anything is sent: once sent, the commit is retried to the end of its retry time (see remarks), whatever happens to the token.</param>
    /// <returns>The receipt: the cost recorded and the pool's balance after it (<see cref="PoolCommitReceipt.Late"/> when the hold had expired first).</returns>
    /// <exception cref="ArgumentException">An argument is out of range; nothing was sent. The call stays open for a corrected commit; its hold is no longer released on dispose (it lapses at <see cref="ExpiresAt"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before sending; nothing was sent. As for an invalid argument, the call stays open and its hold is not released on dispose.</exception>
    /// <exception cref="InvalidOperationException">The call was already committed, is being committed, is closed, or a settlement of it failed.</exception>
    /// <exception cref="SettlementException">The cost could not be recorded: the pool refused the commit (at once, no retry), or was unavailable for the whole retry time. The hold was not released; the exception carries the commit to re-send later. The call is closed.</exception>
    /// <remarks>
    /// <para>Retries: the same request (same <see cref="RequestId"/>) is sent again while the pool
    /// answers <c>Unavailable</c> or the try throws, waiting <see cref="PoolBillingOptions.CommitInitialBackoff"/>
    /// (100 ms) and doubling up to <see cref="PoolBillingOptions.CommitMaxBackoff"/> (5 s), for
    /// <see cref="PoolBillingOptions.CommitRetryTime"/>: by default the hold's lifetime, at least
    /// 5 minutes. This call can therefore take that long when metering is down. Retrying past
    /// <see cref="ExpiresAt"/> is fine: a late commit is still recorded.</para>
    /// <para>Idempotent on the pool: a try that landed unseen is answered again by the next one,
    /// never applied twice. On this object, a second commit throws.</para>
    /// </remarks>
    public async Task<PoolCommitReceipt> CommitAsync(
        long actualMicros,
        long promptTokens,
        long completionTokens,
        string model,
        string? usageType = null,
        string? callDetailsJson = null,
        CancellationToken ct = default)
    {
        ThrowIfNotOpen();
        _ran = true;
        var request = new PoolCommitRequest(RequestId, actualMicros, promptTokens, completionTokens, model, usageType, callDetailsJson);
        Arguments.ThrowIfInvalid(request.Validate());
        ct.ThrowIfCancellationRequested();

        _state = CallState.Committing;
        try
        {
            var receipt = await Settlement.CommitAsync(_pool, PoolId, request, _retry, _commitRetryTime);
            _state = CallState.Committed;
            return receipt;
        }
        catch
        {
            _state = CallState.Unsettled;
            throw;
        }
    }

    /// <summary>
    /// Releases the hold unless <see cref="CommitAsync"/> was called (the call ran) or the call is
    /// already closed: the call did not happen. Never throws; a second call does nothing.
    /// </summary>
    /// <remarks>
    /// Best effort: the release is tried like a reserve (<see cref="PoolBillingOptions.RequestBackoff"/>:
    /// by default 3 tries, 400 ms of backoff), and a release that still fails is fine, because the
    /// hold lapses by itself at <see cref="ExpiresAt"/>; until then it keeps counting against the pool.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_state != CallState.Open)
        {
            return;
        }

        _state = CallState.Closed;
        if (_ran)
        {
            // A commit was attempted, so the call ran: releasing would lose its cost for good (a
            // commit after a release is refused). The hold lapses at its expiry instead, and a
            // late commit is still recorded.
            return;
        }

        await ReleaseQuietlyAsync(_pool, RequestId, _retry);
    }

    /// <summary>Releases a hold with the short retries; never throws (a hold not released lapses at its TTL).</summary>
    /// <returns>The pool's last answer, or null when every try threw.</returns>
    internal static async Task<PoolReleaseResult?> ReleaseQuietlyAsync(IPoolConnection pool, string requestId, RetryPolicy retry)
    {
        try
        {
            var attempt = await retry.RunAsync(() => pool.Release(requestId), r => r.Outcome);
            return attempt.Answer;
        }
        catch (PoolAccessDeniedException)
        {
            // Credentials that could reserve may have been revoked since; the hold lapses at its TTL.
            return null;
        }
    }

    private void ThrowIfNotOpen()
    {
        switch (_state)
        {
            case CallState.Open:
                return;
            case CallState.Committing:
                throw new InvalidOperationException($"Call {RequestId} is being committed; a billable call has one owner and one commit.");
            case CallState.Committed:
                throw new InvalidOperationException($"Call {RequestId} is already committed.");
            case CallState.Unsettled:
                throw new InvalidOperationException($"Call {RequestId} could not be settled; re-send the commit of its SettlementException with PoolBillingClient.SettleAsync.");
            case CallState.Closed:
                throw new InvalidOperationException($"Call {RequestId} is closed: it was disposed.");
        }
    }
}
