using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>The answer to a successful pool commit.</summary>
/// <param name="Late">True when the hold had expired before the commit arrived; the cost is recorded all the same.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolCommitReceipt")]
public sealed record PoolCommitReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] long ActualMicros,
    [property: Id(3)] long UsedMicros,
    [property: Id(4)] long LimitMicros,
    [property: Id(5)] long RemainingMicros,
    [property: Id(6)] bool Late);
