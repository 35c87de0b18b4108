using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>The answer to a release: state <c>released</c>, or <c>expired</c> when the hold had already expired.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolReleaseReceipt")]
public sealed record PoolReleaseReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] long ReservedMicros,
    [property: Id(3)] long UsedMicros,
    [property: Id(4)] long LimitMicros,
    [property: Id(5)] long RemainingMicros);
