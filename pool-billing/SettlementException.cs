using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>
/// A commit (<see cref="BillableCall.CommitAsync"/>, <see cref="PoolBillingClient.SettleAsync"/>)
/// could not record the call's cost: the pool refused it (<see cref="Outcome"/>), or kept answering
/// <see cref="Outcome.Unavailable"/>, or every try threw (<see cref="Outcome"/> null, the last
/// exception in <see cref="Exception.InnerException"/>), for the whole
/// <see cref="PoolBillingOptions.CommitRetryTime"/>. The model call ran: its cost is still owed.
/// </summary>
/// <remarks>
/// <para>The hold was not released: it keeps counting against the pool until its expiry, and a
/// later commit is still recorded (late). <see cref="Commit"/> is the exact request that was
/// sent, request id included: when <see cref="CanResend"/> is true, keep it (a queue, a table) and
/// re-send it later with <see cref="PoolBillingClient.SettleAsync"/>; a try that landed unseen is
/// then answered again, never charged twice.</para>
/// <para>Distinct from the reserve's exceptions on purpose: log it, alert on it. Immutable and
/// thread-safe.</para>
/// </remarks>
public sealed class SettlementException : Exception
{
    /// <summary>Makes the exception; the helper throws it, tests of callers may build one.</summary>
    /// <param name="poolId">The pool of the call.</param>
    /// <param name="commit">The commit that was sent (and may be re-sent as it is).</param>
    /// <param name="outcome">The pool's last answer to the commit, or null when the last try threw.</param>
    /// <param name="tries">How many times the commit was sent, at least 1.</param>
    /// <param name="innerException">What the last try threw, if it did.</param>
    public SettlementException(string poolId, PoolCommitRequest commit, Outcome? outcome, int tries, Exception? innerException)
        : base(Describe(poolId, commit ?? throw new ArgumentNullException(nameof(commit)), outcome, tries, innerException), innerException)
    {
        PoolId = poolId;
        Commit = commit;
        Outcome = outcome;
        Tries = tries;
    }

    /// <summary>The pool of the call.</summary>
    public string PoolId { get; }

    /// <summary>The call's idempotency key (the reservation's request id), also <see cref="PoolCommitRequest.RequestId"/> of <see cref="Commit"/>.</summary>
    public string RequestId => Commit.RequestId;

    /// <summary>
    /// The commit as it was sent: request id, actual cost (micro-USD), tokens, model, usage type and
    /// call details. Re-send it unchanged: the same request id with another body is refused
    /// (<see cref="Outcome.RequestIdConflict"/>) once one of them has landed.
    /// </summary>
    public PoolCommitRequest Commit { get; }

    /// <summary>
    /// The pool's last answer to the commit, or null when the last try threw. <see cref="Outcome.Unavailable"/>
    /// when the retry time ran out; a refusal ended the retries at once: <see cref="Outcome.ReservationNotOpen"/>
    /// (the hold was released before the commit), <see cref="Outcome.NotFound"/> (no such reservation),
    /// <see cref="Outcome.RequestIdConflict"/> (committed before with another body),
    /// <see cref="Outcome.InvalidRequest"/> (the pool's own checks refused it).
    /// </summary>
    public Outcome? Outcome { get; }

    /// <summary>How many times the commit was sent.</summary>
    public int Tries { get; }

    /// <summary>
    /// True when re-sending <see cref="Commit"/> later may record it: the pool was unavailable or did
    /// not answer. False for a refusal: re-sending gets the same answer.
    /// </summary>
    public bool CanResend => Outcome is null or GrainInterfaces.Common.Outcome.Unavailable;

    private static string Describe(string poolId, PoolCommitRequest commit, Outcome? outcome, int tries, Exception? inner)
    {
        string why = outcome is { } answered ? $"the pool answered {answered}" : $"the pool did not answer ({inner?.GetType().Name}: {inner?.Message})";
        string next = outcome is null or GrainInterfaces.Common.Outcome.Unavailable
            ? "the hold was not released; re-send the same commit later (SettlementException.Commit, PoolBillingClient.SettleAsync)"
            : "re-sending it would get the same answer";
        return $"The cost of call {commit.RequestId} on pool {poolId} ({commit.ActualMicros} micro-USD) is not recorded: {why} after {tries} tries; {next}.";
    }
}
