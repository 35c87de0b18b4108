namespace Metering.GrainInterfaces.Installs;

/// <summary>
/// The credit ledger of one install, keyed by installId. Every metered call is
/// reserve → (the relay runs the call) → commit | release.
/// </summary>
/// <remarks>
/// Every write is durable in PostgreSQL before its answer returns. Reserve, commit and release
/// are idempotent by requestId: a repeat with the same body returns the first answer
/// (<see cref="Common.Outcome.Replayed"/>), with another body <see cref="Common.Outcome.RequestIdConflict"/>.
/// A storage fault answers <see cref="Common.Outcome.Unavailable"/>: nothing was acknowledged and a
/// retry is safe.
/// </remarks>
[Alias("Metering.IInstallGrain")]
public interface IInstallGrain : IGrainWithStringKey
{
    /// <summary>Holds credits for one call and picks its backend.</summary>
    [Alias("Reserve")]
    Task<InstallReserveResult> Reserve(InstallReserveRequest request);

    /// <summary>Finalizes a reservation with the backend that served and the credits used.</summary>
    [Alias("Commit")]
    Task<InstallCommitResult> Commit(InstallCommitRequest request);

    /// <summary>Releases a reservation: the call failed or was cancelled.</summary>
    [Alias("Release")]
    Task<InstallReleaseResult> Release(string requestId);

    /// <summary>The state of one reservation.</summary>
    [Alias("GetReservation")]
    Task<InstallReservationResult> GetReservation(string requestId);

    /// <summary>The install's counters and balance. An install never seen reads as a blank core row; reading stores nothing.</summary>
    [Alias("GetAccount")]
    Task<InstallAccountResult> GetAccount();
}
