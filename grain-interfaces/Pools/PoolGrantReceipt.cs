namespace Metering.GrainInterfaces.Pools;

/// <summary>The answer to a grant: the grant and the pool's balance right after it.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolGrantReceipt")]
public sealed record PoolGrantReceipt(
    [property: Id(0)] string PoolId,
    [property: Id(1)] string GrantId,
    [property: Id(2)] long Micros,
    [property: Id(3)] string? Note,
    [property: Id(4)] long LimitMicros,
    [property: Id(5)] long UsedMicros,
    [property: Id(6)] long ReservedMicros,
    [property: Id(7)] long RemainingMicros,
    [property: Id(8)] DateTimeOffset GrantedAt);
