using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to a successful install reserve (the 201 body).</summary>
/// <param name="Remaining">Credits left after this hold; null when unlimited.</param>
/// <param name="GeminiRemaining">Room left under the gemini cap after this hold; null when there is no cap.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallReservation")]
public sealed record InstallReservation(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] Backend Backend,
    [property: Id(3)] long Credits,
    [property: Id(4)] long? Remaining,
    [property: Id(5)] long? GeminiRemaining,
    [property: Id(6)] QuotaBasis Capped,
    [property: Id(7)] DateTimeOffset ExpiresAt);
