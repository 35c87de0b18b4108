using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>The answer to a successful port reserve (the 201 body).</summary>
/// <param name="UsedTokens">Committed tokens in the current period.</param>
/// <param name="Remaining">Tokens left under the hard cap after this hold; null when the budget is disabled.</param>
/// <param name="SoftCap">True when usage has reached the soft cap (a warning; the call is allowed).</param>
[GenerateSerializer, Immutable, Alias("Metering.PortReservation")]
public sealed record PortReservation(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] long UsedTokens,
    [property: Id(3)] long? Remaining,
    [property: Id(4)] bool SoftCap,
    [property: Id(5)] DateTimeOffset ExpiresAt);
