using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Engine;

/// <summary>
/// One reservation of an account, as stored in <c>ledger_hold</c>. Immutable: every change makes a
/// new record, so a pending flush can hold a reference to exactly what it must write.
/// </summary>
/// <param name="State">Reserved, Committed or Released. Expired is never stored: it is read off the clock.</param>
/// <param name="Amount">The amount held, in the account's unit.</param>
/// <param name="Tag">What the hold counts against besides the total (a backend, a feature).</param>
/// <param name="Detail">Kind-specific data (tier, usage type, ...), stored as JSON.</param>
/// <param name="CommittedAmount">The amount recorded by the commit; null until committed.</param>
/// <param name="Late">True when the commit arrived after <see cref="ExpiresAt"/>.</param>
internal sealed record Hold<TDetail>(
    string RequestId,
    ReservationState State,
    long Amount,
    string Tag,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    TDetail Detail,
    DateTimeOffset? ClosedAt = null,
    long? CommittedAmount = null,
    bool Late = false)
{
    /// <summary>True while the hold counts against the limit.</summary>
    public bool CountsAt(DateTimeOffset now) => State == ReservationState.Reserved && ExpiresAt > now;

    /// <summary>
    /// The state a reader sees at <paramref name="now"/>: a reserved hold past its expiry is
    /// expired, and so is one released only after it had expired (the release changed nothing).
    /// </summary>
    public ReservationState StateAt(DateTimeOffset now) => State switch
    {
        ReservationState.Reserved when ExpiresAt <= now => ReservationState.Expired,
        ReservationState.Released when ClosedAt >= ExpiresAt => ReservationState.Expired,
        _ => State,
    };
}
