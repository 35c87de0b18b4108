using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>One pool reservation as a reader sees it.</summary>
/// <param name="ActualMicros">The committed cost; null until committed.</param>
/// <param name="Late">True when the commit arrived after expiry; null until committed.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolReservationView")]
public sealed record PoolReservationView(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] string UsageType,
    [property: Id(3)] long ReservedMicros,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] long? ActualMicros,
    [property: Id(7)] bool? Late);
