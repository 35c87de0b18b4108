using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>
/// One billable call with its hold on the pool: commit the actual cost with <see cref="CommitAsync"/>,
/// or leave the <c>await using</c> scope without committing (an exception, a cancellation) and
/// <see cref="DisposeAsync"/> releases the hold. Made by <see cref="PoolBillingClient.BeginBillableCallAsync"/>.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one call, one owner. Do not commit and dispose from two threads at once.</para>
/// <para>Every outcome ends the call in one of two states: committed (the cost and its audit record
/// are durable) or not charged (released, or left to lapse at <see cref="ExpiresAt"/> when even the
/// release failed).</para>
/// </remarks>
public sealed class BillableCall : IAsyncDisposable
{
    private readonly IPoolGrain _pool;
    private readonly RetryPolicy _retry;
    private CallState _state = CallState.Open;

    internal BillableCall(IPoolGrain pool, string poolId, PoolReservation reservation, RetryPolicy retry)
    {
        _pool = pool;
        _retry = retry;
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
    /// </summary>
    /// <param name="actualMicros">The actual cost, 0 to 10^15 micro-USD; may exceed <see cref="ReservedMicros"/> (the call ran, it is never refused for lack of funds).</param>
    /// <param name="promptTokens">Prompt tokens, 0 to 10^15.</param>
    /// <param name="completionTokens">Completion tokens, 0 to 10^15.</param>
    /// <param name="model">The model name, 1 to 128 characters, no control characters.</param>
    /// <param name="usageType">Null keeps the reservation's usage type.</param>
    /// <param name="callDetailsJson">Free-form JSON for the audit record, at most <see cref="Limits.MaxCallDetailsBytes"/> bytes, or null.</param>
    /// <param name="ct">Observed only before anything is sent: once sent, the commit is settled to the end (at most 3 tries, 400 ms of backoff) so the call never stays half done.</param>
    /// <returns>The receipt: the cost recorded and the pool's balance after it (<see cref="PoolCommitReceipt.Late"/> when the hold had expired first).</returns>
    /// <exception cref="ArgumentException">An argument is out of range; nothing was sent and the call stays open (fix and commit, or dispose to release).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before sending; the call stays open.</exception>
    /// <exception cref="InvalidOperationException">The call was already committed, is being committed, or is closed.</exception>
    /// <exception cref="SettlementException">The cost could not be recorded; the hold was released (best effort) and the call is closed.</exception>
    /// <remarks>
    /// Idempotent on the pool: the commit carries <see cref="RequestId"/>, and <c>Unavailable</c>
    /// answers or thrown tries are retried with the same request, so a commit that did land is
    /// answered again, never applied twice. On this object, a second commit throws.
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
        var request = new PoolCommitRequest(RequestId, actualMicros, promptTokens, completionTokens, model, usageType, callDetailsJson);
        Arguments.ThrowIfInvalid(request.Validate());
        ct.ThrowIfCancellationRequested();

        _state = CallState.Committing;
        var attempt = await _retry.RunAsync(() => _pool.Commit(request), r => r.Outcome);
        if (Receipt(attempt.Answer) is { } receipt)
        {
            _state = CallState.Committed;
            return receipt;
        }

        return await SettleFailedCommitAsync(request, attempt);
    }

    /// <summary>
    /// Releases the hold unless the call was committed (or already closed): the call did not happen.
    /// Never throws; a second call does nothing.
    /// </summary>
    /// <remarks>
    /// Best effort: the release is tried like every request (3 tries, 400 ms of backoff), and a
    /// release that still fails is fine, because the hold lapses by itself at <see cref="ExpiresAt"/>;
    /// until then it keeps counting against the pool.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_state != CallState.Open)
        {
            return;
        }

        _state = CallState.Closed;
        await ReleaseQuietlyAsync(_pool, RequestId, _retry);
    }

    /// <summary>Releases a hold, retried like every request; never throws (a hold not released lapses at its TTL).</summary>
    /// <returns>The pool's last answer, or null when every try threw.</returns>
    internal static async Task<PoolReleaseResult?> ReleaseQuietlyAsync(IPoolGrain pool, string requestId, RetryPolicy retry)
    {
        var attempt = await retry.RunAsync(() => pool.Release(requestId), r => r.Outcome);
        return attempt.Answer;
    }

    private static PoolCommitReceipt? Receipt(PoolCommitResult? result)
        => result is { Outcome: Outcome.Ok or Outcome.Replayed, Receipt: { } receipt } ? receipt : null;

    /// <summary>
    /// Releases the hold and throws a <see cref="SettlementException"/>, unless the release finds
    /// the reservation committed: then a try that threw did land, and the commit's replay returns
    /// its receipt.
    /// </summary>
    private async Task<PoolCommitReceipt> SettleFailedCommitAsync(PoolCommitRequest request, Attempt<PoolCommitResult> attempt)
    {
        var release = await ReleaseQuietlyAsync(_pool, RequestId, _retry);
        if (release?.Outcome == Outcome.ReservationNotOpen)
        {
            var replay = await _retry.RunAsync(() => _pool.Commit(request), r => r.Outcome);
            if (Receipt(replay.Answer) is { } landed)
            {
                _state = CallState.Committed;
                return landed;
            }
        }

        _state = CallState.Closed;
        bool released = release?.Outcome is Outcome.Ok or Outcome.Replayed;
        throw new SettlementException(PoolId, RequestId, attempt.Answer?.Outcome, released, attempt.Error);
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
            case CallState.Closed:
                throw new InvalidOperationException($"Call {RequestId} is closed: it was released (disposed) or its settlement failed.");
        }
    }
}
