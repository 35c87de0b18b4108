namespace Metering.GrainInterfaces.Pools;

/// <summary>A pool's balance in micro-USD. <see cref="RemainingMicros"/> is limit − used − reserved, never below 0.</summary>
/// <param name="ReservedMicros">Held by open, unexpired reservations.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolView")]
public sealed record PoolView(
    [property: Id(0)] string PoolId,
    [property: Id(1)] long UsedMicros,
    [property: Id(2)] long ReservedMicros,
    [property: Id(3)] long LimitMicros,
    [property: Id(4)] long RemainingMicros);
