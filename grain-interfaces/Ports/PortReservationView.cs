using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>One port reservation as a reader sees it.</summary>
/// <param name="Tokens">Committed input plus output tokens; null until committed.</param>
/// <param name="Late">True when the commit arrived after expiry; null until committed.</param>
[GenerateSerializer, Immutable, Alias("Metering.PortReservationView")]
public sealed record PortReservationView(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] string Feature,
    [property: Id(3)] long EstimatedTokens,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] long? Tokens,
    [property: Id(7)] bool? Late);
