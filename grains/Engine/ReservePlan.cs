using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Engine;

/// <summary>
/// What an account kind decides for a reserve in its synchronous step: refuse it (a budget or a
/// bound; nothing changes) with the kind's refusal body, or the account after it, the hold to
/// open and the reservation to answer.
/// </summary>
/// <typeparam name="TAccount">The account row's state.</typeparam>
/// <typeparam name="TDetail">What the hold remembers.</typeparam>
/// <typeparam name="TReservation">The answer to an accepted reserve.</typeparam>
/// <typeparam name="TRefused">What a refusal tells the caller (the balance left, the cap).</typeparam>
internal sealed record ReservePlan<TAccount, TDetail, TReservation, TRefused>(
    Outcome? Refusal,
    TRefused? Refused,
    TAccount? Account,
    Hold<TDetail>? Hold,
    TReservation? Reservation)
    where TAccount : class
    where TReservation : class
    where TRefused : class
{
    public static ReservePlan<TAccount, TDetail, TReservation, TRefused> Refuse(Outcome outcome, TRefused? refused = null) =>
        new(outcome, refused, null, null, null);

    public static ReservePlan<TAccount, TDetail, TReservation, TRefused> Accept(TAccount account, Hold<TDetail> hold, TReservation reservation) =>
        new(null, null, account, hold, reservation);
}
