using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>The answer to a successful pool reserve (the 201 body).</summary>
/// <param name="ReservedMicros">What this reservation holds.</param>
/// <param name="RemainingMicros">What remains of the pool after this hold.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolReservation")]
public sealed record PoolReservation(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] long ReservedMicros,
    [property: Id(3)] long UsedMicros,
    [property: Id(4)] long LimitMicros,
    [property: Id(5)] long RemainingMicros,
    [property: Id(6)] DateTimeOffset ExpiresAt);
