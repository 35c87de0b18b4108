using Metering.Grains.Hosting;

namespace Metering.Tests.Unit;

public sealed class DataSourceSettingsTests
{
    [Theory]
    [InlineData("Host=h;Username=u", false)]
    [InlineData("Host=h;Max Auto Prepare=0", true)]   // explicitly off stays off
    [InlineData("Host=h;maxautoprepare=10", true)]
    public void MaxAutoPrepare_IsOnlyDefaultedWhenNotSet(string connectionString, bool set)
    {
        Assert.Equal(set, MeteringSiloExtensions.SetsMaxAutoPrepare(connectionString));
    }
}
