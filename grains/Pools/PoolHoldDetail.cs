namespace Metering.Grains.Pools;

/// <summary>What a pool hold remembers besides its amount: the usage type it was reserved for.</summary>
internal sealed record PoolHoldDetail(string UsageType);
