using Metering.GrainInterfaces.Common;

namespace Metering.Tests.Unit;

public sealed class LimitsTests
{
    [Fact]
    public void Bounds_AgreeWithEachOther()
    {
        // Finished entries are evicted from memory only once durable: the memory bound must be
        // larger than everything that can be pending at once.
        Assert.True(Limits.MaxRememberedOutcomes > Limits.MaxPendingOperations);
        Assert.True(Limits.MaxPendingOperations >= Limits.MaxFlushBatch);
        Assert.True(Limits.JournalEntriesLoadedAtActivation <= Limits.MaxRememberedOutcomes);
        Assert.True(Limits.MinTtlSeconds <= Limits.DefaultTtlSeconds && Limits.DefaultTtlSeconds <= Limits.MaxTtlSeconds);
        Assert.True(Limits.DefaultPageSize <= Limits.MaxPageSize);
        Assert.True(Limits.NearLimitsTracked >= Limits.NearestLimitsShown, "each silo keeps at least as many accounts as the overview shows");
        Assert.True(Limits.MaxBodyBytes < Limits.MaxBatchBodyBytes);
        Assert.True(Limits.RequestIdRetentionHours * 3600L >= Limits.MaxTtlSeconds, "a key is remembered at least as long as its hold may live");
        // 10^4 open holds of at most 10^15 each must not overflow a long.
        Assert.True(Limits.MaxAmount <= long.MaxValue / (Limits.MaxOpenHoldsPerAccount + Limits.MaxFlushBatch));
    }
}
