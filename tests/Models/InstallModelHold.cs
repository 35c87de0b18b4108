using Metering.GrainInterfaces.Installs;

namespace Metering.Tests.Models;

/// <summary>One install reservation in the model, with the first answers its keys replay.</summary>
internal sealed record InstallModelHold(
    InstallReserveRequest Request,
    Backend Backend,
    DateTimeOffset CreatedAt,
    InstallReservation Answer,
    ModelHoldState State = ModelHoldState.Reserved,
    DateTimeOffset? ClosedAt = null,
    (Backend Backend, long Credits)? CommitBody = null,
    bool Late = false,
    InstallCommitReceipt? CommitAnswer = null,
    InstallReleaseReceipt? ReleaseAnswer = null)
{
    public DateTimeOffset ExpiresAt => Answer.ExpiresAt;

    /// <summary>True while the hold counts against the quota: open and unexpired.</summary>
    public bool CountsAt(DateTimeOffset now) => State == ModelHoldState.Reserved && ExpiresAt > now;
}
