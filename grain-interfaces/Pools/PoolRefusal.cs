namespace Metering.GrainInterfaces.Pools;

/// <summary>Why a reserve was refused (402 <c>quota_insufficient</c>): the balance it did not fit in.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolRefusal")]
public sealed record PoolRefusal(
    [property: Id(0)] string UsageType,
    [property: Id(1)] long UsedMicros,
    [property: Id(2)] long LimitMicros,
    [property: Id(3)] long RemainingMicros);
