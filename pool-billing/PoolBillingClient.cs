using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>
/// Bills premium model calls to a pool from any .NET service, as relays do over HTTP: reserve
/// before the call (<see cref="BeginBillableCallAsync"/>), then commit the actual cost or release,
/// through the <see cref="BillableCall"/> scope. Free calls are recorded with
/// <see cref="RecordFreeUsageAsync"/>. Amounts are micro-USD.
/// </summary>
/// <remarks>
/// <para>Thread-safe and stateless: one instance serves the whole process (see
/// <see cref="PoolBillingServiceCollectionExtensions.AddPoolBilling(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>).</para>
/// <para>Retries: a grain request is sent again, the same request each time, only when the pool
/// answered <see cref="Outcome.Unavailable"/> (nothing was acknowledged) or the call threw (a
/// timeout, a lost connection); the request id makes this safe: a repeat of a request that landed
/// answers the first answer. Reserve, release and free usage are retried briefly
/// (<see cref="PoolBillingOptions.RequestBackoff"/>: by default 3 tries, 100 ms then 300 ms apart),
/// because nothing is lost when they fail. A commit is the cost of a call that ran, so it is
/// retried for <see cref="PoolBillingOptions.CommitRetryTime"/> (by default the hold's lifetime,
/// at least 5 minutes), 100 ms doubling up to 5 s apart, and its hold is never released. A try
/// that throws takes at most the Orleans client's response timeout.</para>
/// <para>Cancellation tokens are observed before anything is sent: a grain request in flight cannot
/// be cancelled (the pool's methods take no token), and the retries are bounded in time.</para>
/// <para>The helper keeps the caller's synchronization context (no <c>ConfigureAwait(false)</c>),
/// so it may also be used from inside a grain.</para>
/// </remarks>
public sealed class PoolBillingClient
{
    private readonly Func<string, IPoolConnection> _pools;
    private readonly RetryPolicy _retry;

    /// <summary>
    /// A helper calling pool grains through <paramref name="grainFactory"/> (an <c>IClusterClient</c>,
    /// or a grain's own factory), with the default retries (<see cref="PoolBillingOptions.Default"/>)
    /// on the system clock.
    /// </summary>
    public PoolBillingClient(IGrainFactory grainFactory)
        : this(grainFactory, PoolBillingOptions.Default)
    {
    }

    /// <summary>A helper calling pool grains through <paramref name="grainFactory"/>, retrying as <paramref name="options"/> say.</summary>
    /// <param name="grainFactory">An <c>IClusterClient</c>, or a grain's own factory.</param>
    /// <param name="options">The retry settings.</param>
    /// <param name="timeProvider">The clock that retry times and waits run on; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is out of range (named in the message).</exception>
    public PoolBillingClient(IGrainFactory grainFactory, PoolBillingOptions options, TimeProvider? timeProvider = null)
        : this(PoolsOf(grainFactory), RetryPolicy.For(options, timeProvider ?? TimeProvider.System))
    {
    }

    /// <summary>
    /// A helper reaching each pool through <paramref name="connections"/> (over HTTP: see the
    /// <c>Metering.HttpClient</c> package), retrying as <paramref name="options"/> say.
    /// </summary>
    /// <param name="connections">The connection to a pool, by its id.</param>
    /// <param name="options">The retry settings.</param>
    /// <param name="timeProvider">The clock that retry times and waits run on; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is out of range (named in the message).</exception>
    public PoolBillingClient(Func<string, IPoolConnection> connections, PoolBillingOptions options, TimeProvider? timeProvider = null)
        : this(connections ?? throw new ArgumentNullException(nameof(connections)), RetryPolicy.For(options, timeProvider ?? TimeProvider.System))
    {
    }

    /// <summary>For tests: pools from <paramref name="pools"/>, settings, clock and waits from <paramref name="retry"/>.</summary>
    internal PoolBillingClient(Func<string, IPoolConnection> pools, RetryPolicy retry)
    {
        PoolBillingOptions.ThrowIfInvalid(retry.Options);
        _pools = pools;
        _retry = retry;
    }

    /// <summary>
    /// Holds <paramref name="reserveMicros"/> on the pool for one premium call and returns its scope.
    /// Use it as <c>await using var call = await pools.BeginBillableCallAsync(...)</c>.
    /// </summary>
    /// <param name="poolId">The pool (1 to 128 characters of <c>A-Z a-z 0-9 . _ : @ -</c>).</param>
    /// <param name="reserveMicros">What to hold, 0 to 10^15 micro-USD: the most the call is expected to cost.</param>
    /// <param name="usageType">What kind of call, 1 to 128 characters, no control characters.</param>
    /// <param name="options">Request id and hold lifetime; null for a new request id and a 300-second hold.</param>
    /// <param name="ct">Observed before anything is sent.</param>
    /// <returns>The open call; its hold counts against the pool until committed, released or expired.</returns>
    /// <exception cref="QuotaInsufficientException">The hold does not fit in what remains; nothing is held.</exception>
    /// <exception cref="ArgumentException">An argument is out of range, named in the message; nothing was sent (or the pool refused it as invalid).</exception>
    /// <exception cref="RequestIdConflictException"><see cref="BillableCallOptions.RequestId"/> was used before on this pool for another call.</exception>
    /// <exception cref="PoolUnavailableException">The pool could not take the request after the short retries (<see cref="PoolBillingOptions.RequestBackoff"/>), or has too many open holds; nothing is held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before reserving; nothing was sent.</exception>
    /// <remarks>Idempotent by the request id: beginning again with the same id and body answers the first reservation (a hold is never taken twice).</remarks>
    public async Task<BillableCall> BeginBillableCallAsync(
        string poolId,
        long reserveMicros,
        string usageType,
        BillableCallOptions? options = null,
        CancellationToken ct = default)
    {
        Arguments.RequirePoolId(poolId);
        options ??= BillableCallOptions.Default;
        var request = new PoolReserveRequest(options.RequestId ?? NewRequestId(), reserveMicros, usageType, options.TtlSeconds);
        Arguments.ThrowIfInvalid(request.Validate());
        ct.ThrowIfCancellationRequested();

        var pool = _pools(poolId);
        var attempt = await _retry.RunAsync(() => pool.Reserve(request), r => r.Outcome);
        if (attempt is { Answer.Outcome: Outcome.Created or Outcome.Replayed })
        {
            var reservation = Contract.Expect(attempt.Answer.Reservation, "a reservation", attempt.Answer.Outcome);
            return new BillableCall(pool, poolId, reservation, _retry, _retry.Options.CommitRetryTimeFor(request.TtlSeconds));
        }

        if (attempt.Uncertain)
        {
            // A try threw: its hold may have landed unseen. Nobody will commit it; free it now
            // rather than at its expiry.
            await BillableCall.ReleaseQuietlyAsync(pool, request.RequestId, _retry);
        }

        throw ReserveFailure(poolId, request, attempt);
    }

    /// <summary>
    /// Records a free call on the pool: nothing is debited, an audit record (<c>billed: false</c>) is kept.
    /// </summary>
    /// <param name="poolId">The pool (1 to 128 characters of <c>A-Z a-z 0-9 . _ : @ -</c>).</param>
    /// <param name="requestId">The record's idempotency key, same rule as <paramref name="poolId"/>, unique per pool.</param>
    /// <param name="usageType">What kind of call, 1 to 128 characters, no control characters.</param>
    /// <param name="costMicros">What the call would have cost, 0 to 10^15 micro-USD (recorded, not debited).</param>
    /// <param name="promptTokens">Prompt tokens, 0 to 10^15.</param>
    /// <param name="completionTokens">Completion tokens, 0 to 10^15.</param>
    /// <param name="model">The model name, 1 to 128 characters, no control characters.</param>
    /// <param name="callDetailsJson">Free-form JSON for the audit record, at most <see cref="Limits.MaxCallDetailsBytes"/> bytes, or null.</param>
    /// <param name="ct">Observed before anything is sent.</param>
    /// <returns>The audit record (the first one when this is a replay).</returns>
    /// <exception cref="ArgumentException">An argument is out of range, named in the message.</exception>
    /// <exception cref="RequestIdConflictException"><paramref name="requestId"/> was used before on this pool with another body.</exception>
    /// <exception cref="PoolUnavailableException">The pool could not take the request after the short retries (<see cref="PoolBillingOptions.RequestBackoff"/>); retrying later with the same request id is safe.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before sending.</exception>
    /// <remarks>Idempotent by <paramref name="requestId"/>: recording again with the same body answers the first record, never a second one.</remarks>
    public async Task<PoolUsageRecord> RecordFreeUsageAsync(
        string poolId,
        string requestId,
        string usageType,
        long costMicros,
        long promptTokens,
        long completionTokens,
        string model,
        string? callDetailsJson = null,
        CancellationToken ct = default)
    {
        Arguments.RequirePoolId(poolId);
        var request = new PoolFreeUsageRequest(requestId, usageType, costMicros, promptTokens, completionTokens, model, callDetailsJson);
        Arguments.ThrowIfInvalid(request.Validate());
        ct.ThrowIfCancellationRequested();

        var pool = _pools(poolId);
        var attempt = await _retry.RunAsync(() => pool.RecordFreeUsage(request), r => r.Outcome);
        if (attempt.Answer is not { } answer)
        {
            throw new PoolUnavailableException(poolId, requestId, null, attempt.Error);
        }

        return answer.Outcome switch
        {
            Outcome.Created or Outcome.Replayed => Contract.Expect(answer.Record, "a record", answer.Outcome),
            Outcome.InvalidRequest => throw Arguments.Invalid(answer.Errors),
            Outcome.RequestIdConflict => throw new RequestIdConflictException(poolId, requestId),
            Outcome.Unavailable => throw new PoolUnavailableException(poolId, requestId, answer.Outcome, attempt.Error),
            _ => throw Contract.Unexpected("a free usage record", answer.Outcome),
        };
    }

    /// <summary>
    /// Re-sends the commit of a call whose <see cref="BillableCall.CommitAsync"/> ended in a
    /// <see cref="SettlementException"/>: pass its <see cref="SettlementException.PoolId"/> and
    /// <see cref="SettlementException.Commit"/> unchanged, from a retry queue or a reconciliation job.
    /// </summary>
    /// <param name="poolId">The pool of the call.</param>
    /// <param name="commit">The commit as first sent, same request id and body.</param>
    /// <param name="ct">Observed only before anything is sent.</param>
    /// <returns>The receipt; the first one again when a try of the earlier commit had landed unseen (never charged twice).</returns>
    /// <exception cref="ArgumentException">An argument is out of range; nothing was sent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before sending.</exception>
    /// <exception cref="SettlementException">Refused, or the pool was unavailable for the whole <see cref="PoolBillingOptions.CommitRetryTime"/> (default 5 minutes here: the hold's lifetime is not known). Nothing is released.</exception>
    /// <remarks>
    /// Retried like <see cref="BillableCall.CommitAsync"/>. A commit after the hold's expiry is still
    /// recorded (<see cref="PoolCommitReceipt.Late"/>); the pool remembers request ids at least
    /// <see cref="Limits.RequestIdRetentionHours"/> hours.
    /// </remarks>
    public async Task<PoolCommitReceipt> SettleAsync(string poolId, PoolCommitRequest commit, CancellationToken ct = default)
    {
        Arguments.RequirePoolId(poolId);
        ArgumentNullException.ThrowIfNull(commit);
        Arguments.ThrowIfInvalid(commit.Validate());
        ct.ThrowIfCancellationRequested();

        return await Settlement.CommitAsync(_pools(poolId), poolId, commit, _retry, _retry.Options.CommitRetryTimeForResend);
    }

    /// <summary>A new request id: 32 hex digits, a valid identifier.</summary>
    private static string NewRequestId() => Guid.NewGuid().ToString("N");

    private static Func<string, IPoolConnection> PoolsOf(IGrainFactory grainFactory)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return poolId => new GrainPoolConnection(grainFactory.GetGrain<IPoolGrain>(poolId));
    }

    /// <summary>The exception for a reserve that did not give a hold, in the order the pool checks.</summary>
    private static Exception ReserveFailure(string poolId, PoolReserveRequest request, Attempt<PoolReserveResult> attempt)
    {
        if (attempt.Answer is not { } answer)
        {
            return new PoolUnavailableException(poolId, request.RequestId, null, attempt.Error);
        }

        return answer.Outcome switch
        {
            Outcome.InvalidRequest => Arguments.Invalid(answer.Errors),
            Outcome.RequestIdConflict => new RequestIdConflictException(poolId, request.RequestId),
            Outcome.QuotaInsufficient => Refused(poolId, request, Contract.Expect(answer.Refusal, "a refusal", answer.Outcome)),
            Outcome.TooManyOpenReservations or Outcome.Unavailable => new PoolUnavailableException(poolId, request.RequestId, answer.Outcome, attempt.Error),
            _ => Contract.Unexpected("a reserve", answer.Outcome),
        };
    }

    private static QuotaInsufficientException Refused(string poolId, PoolReserveRequest request, PoolRefusal refusal)
        => new(poolId, request.RequestId, refusal.UsageType, request.ReserveMicros, refusal.UsedMicros, refusal.LimitMicros, refusal.RemainingMicros);
}
