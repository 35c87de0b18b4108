namespace Metering.GrainInterfaces.Pools;

/// <summary>
/// The premium credit pool of one user, keyed by poolId, in micro-USD. Every premium call is
/// reserve → (the call runs) → commit | release; every commit and every free call leaves exactly
/// one audit record, written in the same transaction as the debit.
/// </summary>
/// <remarks>
/// Writes are durable in PostgreSQL before they answer. Reserve, commit, release, free usage and
/// grants are idempotent by their key (requestId, grantId): a repeat with the same body answers
/// <see cref="Common.Outcome.Replayed"/> with the first answer, another body
/// <see cref="Common.Outcome.RequestIdConflict"/>. <see cref="Common.Outcome.Unavailable"/> means
/// nothing was acknowledged and a retry is safe. A pool never configured has a limit of 0.
/// </remarks>
[Alias("Metering.IPoolGrain")]
public interface IPoolGrain : IGrainWithStringKey
{
    /// <summary>Sets the pool's limit (admin). Not keyed: setting the same limit again changes nothing.</summary>
    [Alias("SetLimit")]
    Task<PoolAccountResult> SetLimit(long limitMicros);

    /// <summary>Raises the limit by a grant, once per grantId.</summary>
    [Alias("Grant")]
    Task<PoolGrantResult> Grant(PoolGrantRequest request);

    /// <summary>Holds micro-USD for one premium call.</summary>
    [Alias("Reserve")]
    Task<PoolReserveResult> Reserve(PoolReserveRequest request);

    /// <summary>Finalizes a call with its actual cost (which may exceed the hold) and records its audit entry.</summary>
    [Alias("Commit")]
    Task<PoolCommitResult> Commit(PoolCommitRequest request);

    /// <summary>Releases a hold: the call failed or was cancelled. No audit record.</summary>
    [Alias("Release")]
    Task<PoolReleaseResult> Release(string requestId);

    /// <summary>Records a free call: nothing is debited, an audit record is kept.</summary>
    [Alias("RecordFreeUsage")]
    Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request);

    /// <summary>The state of one reservation.</summary>
    [Alias("GetReservation")]
    Task<PoolReservationResult> GetReservation(string requestId);

    /// <summary>The pool's balance. Reading stores nothing.</summary>
    [Alias("GetPool")]
    Task<PoolAccountResult> GetPool();

    /// <summary>Audit records, oldest first, paged.</summary>
    [Alias("ListUsage")]
    Task<PoolUsagePage> ListUsage(PoolUsageQuery query);
}
