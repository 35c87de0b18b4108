using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>Optional settings of one billable call, for <see cref="PoolBillingClient.BeginBillableCallAsync"/>.</summary>
/// <remarks>Immutable; safe to share between threads and calls (except <see cref="RequestId"/>, which names one call).</remarks>
public sealed record BillableCallOptions
{
    /// <summary>The options used when none are given: a new request id per call, a hold of <see cref="Limits.DefaultTtlSeconds"/> seconds.</summary>
    public static BillableCallOptions Default { get; } = new();

    /// <summary>
    /// The call's idempotency key (1 to 128 characters of <c>A-Z a-z 0-9 . _ : @ -</c>), unique per pool.
    /// Null (the default) makes a new one per call (a GUID, 32 hex digits). Give your own when the
    /// caller may itself be retried (a redelivered message, a restarted job): beginning again with
    /// the same id and amounts answers the first reservation instead of holding twice. The pool
    /// remembers keys for at least <see cref="Limits.RequestIdRetentionHours"/> hours.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// How long the hold lasts if it is neither committed nor released, in seconds, from
    /// <see cref="Limits.MinTtlSeconds"/> to <see cref="Limits.MaxTtlSeconds"/>; default
    /// <see cref="Limits.DefaultTtlSeconds"/>. Make it longer than the model call can take: a
    /// commit after expiry is still recorded (<see cref="GrainInterfaces.Pools.PoolCommitReceipt.Late"/>),
    /// but meanwhile the expired hold no longer counts against the pool.
    /// </summary>
    public int TtlSeconds { get; init; } = Limits.DefaultTtlSeconds;
}
