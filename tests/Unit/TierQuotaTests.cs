using Metering.GrainInterfaces.Installs;

namespace Metering.Tests.Unit;

public sealed class TierQuotaTests
{
    [Fact]
    public void Defaults_MatchTheContract()
    {
        Assert.Equal(new TierQuota(100, null, null, null), TierQuotas.Defaults.Core);
        Assert.Equal(new TierQuota(null, 1000, null, null), TierQuotas.Defaults.Pro);
        Assert.Equal(new TierQuota(null, null, null, null), TierQuotas.Defaults.Max);
        Assert.Equal(QuotaBasis.Lifetime, TierQuotas.Defaults.Core.Basis);
        Assert.Equal(QuotaBasis.Monthly, TierQuotas.Defaults.Pro.Basis);
        Assert.Equal(QuotaBasis.Monthly, TierQuotas.Defaults.Max.Basis);
    }

    [Theory]
    [InlineData(100L, null, null, null)]
    [InlineData(100L, null, 10L, null)]
    [InlineData(null, 1000L, null, 10L)]
    [InlineData(null, null, null, null)]
    [InlineData(null, null, null, 5L)]
    [InlineData(0L, null, 0L, null)]
    [InlineData(1_000_000_000_000_000L, null, null, null)]
    public void Validate_AcceptsOneBasisWithItsCap(long? lifetime, long? monthly, long? capLifetime, long? capMonthly)
    {
        Assert.Null(new TierQuota(lifetime, monthly, capLifetime, capMonthly).Validate());
    }

    [Theory]
    [InlineData(100L, 1000L, null, null, "monthly")]                    // both bases
    [InlineData(100L, null, null, 5L, "geminiCapMonthly")]              // cap of the other basis
    [InlineData(null, 1000L, 5L, null, "geminiCapLifetime")]
    [InlineData(null, null, 5L, null, "geminiCapLifetime")]             // unlimited counts monthly
    [InlineData(-1L, null, null, null, "lifetime")]
    [InlineData(null, -1L, null, null, "monthly")]
    [InlineData(1_000_000_000_000_001L, null, null, null, "lifetime")]
    [InlineData(null, 5L, null, -5L, "geminiCapMonthly")]
    public void Validate_RefusesWithTheFieldNamed(long? lifetime, long? monthly, long? capLifetime, long? capMonthly, string field)
    {
        var errors = new TierQuota(lifetime, monthly, capLifetime, capMonthly).Validate();

        Assert.NotNull(errors);
        Assert.Contains(field, errors.Fields.Keys);
    }
}
