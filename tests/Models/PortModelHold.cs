using Metering.GrainInterfaces.Ports;

namespace Metering.Tests.Models;

/// <summary>One port reservation in the model, with the first answers its keys replay.</summary>
/// <param name="CommitBody">The commit as first recorded, its feature defaulted.</param>
internal sealed record PortModelHold(
    PortReserveRequest Request,
    DateTimeOffset CreatedAt,
    PortReservation Answer,
    ModelHoldState State = ModelHoldState.Reserved,
    DateTimeOffset? ClosedAt = null,
    PortCommitRequest? CommitBody = null,
    bool Late = false,
    PortCallReceipt? CommitAnswer = null,
    PortReleaseReceipt? ReleaseAnswer = null)
{
    public DateTimeOffset ExpiresAt => Answer.ExpiresAt;

    /// <summary>True while the hold counts against the hard cap: open and unexpired.</summary>
    public bool CountsAt(DateTimeOffset now) => State == ModelHoldState.Reserved && ExpiresAt > now;
}
