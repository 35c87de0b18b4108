using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>One install reservation as a reader sees it.</summary>
/// <param name="Credits">Credits held at reserve.</param>
/// <param name="CommittedCredits">Credits recorded by the commit; null until committed.</param>
/// <param name="CommittedBackend">The backend recorded by the commit; null until committed.</param>
/// <param name="Late">True when the commit arrived after expiry; null until committed.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallReservationView")]
public sealed record InstallReservationView(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] Tier Tier,
    [property: Id(3)] Backend Backend,
    [property: Id(4)] long Credits,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] long? CommittedCredits,
    [property: Id(8)] Backend? CommittedBackend,
    [property: Id(9)] bool? Late);
