using Metering.Grains.Pools;

namespace Metering.Tests.Unit;

public sealed class PoolRulesTests
{
    [Theory]
    // limit, used, reserved, reserve -> fits
    [InlineData(0L, 0L, 0L, 0L, true)]        // a pool never configured fits only nothing
    [InlineData(0L, 0L, 0L, 1L, false)]
    [InlineData(1000L, 0L, 0L, 1000L, true)]  // exactly the limit
    [InlineData(1000L, 0L, 0L, 1001L, false)]
    [InlineData(1000L, 400L, 500L, 100L, true)]
    [InlineData(1000L, 400L, 500L, 101L, false)] // holds count
    [InlineData(1000L, 1200L, 0L, 0L, false)] // overspent by a commit: not even 0 fits
    public void Fits_BoundaryTable(long limit, long used, long reserved, long reserve, bool fits)
    {
        var pool = new PoolAccount(limit, used, 0, null);

        Assert.Equal(fits, PoolRules.Fits(pool, reserved, reserve));
    }

    [Theory]
    [InlineData(1000L, 0L, 0L, 1000L)]
    [InlineData(1000L, 300L, 200L, 500L)]
    [InlineData(1000L, 1200L, 0L, 0L)] // never below 0
    public void Remaining_IsLimitMinusUseAndHolds(long limit, long used, long reserved, long remaining)
    {
        Assert.Equal(remaining, PoolRules.Remaining(new PoolAccount(limit, used, 0, null), reserved));
    }

    [Fact]
    public void GrantAndDebit_StopAt10To18()
    {
        var nearTop = new PoolAccount(PoolRules.MaxLimitMicros - 5, PoolRules.MaxLimitMicros - 5, 0, null);

        Assert.True(PoolRules.GrantFits(nearTop, 5));
        Assert.False(PoolRules.GrantFits(nearTop, 6));
        Assert.True(PoolRules.DebitFits(nearTop, 5));
        Assert.False(PoolRules.DebitFits(nearTop, 6));
    }
}
