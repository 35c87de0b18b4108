using Microsoft.Extensions.Configuration;
using ApiSwitches = Metering.ClientApi.Telemetry.TelemetrySwitches;
using SiloSwitches = Metering.Silo.Hosting.TelemetrySwitches;

namespace Metering.Tests.Telemetry;

/// <summary>
/// Tracing stays off unless a collector is configured (a measured cost, docs/benchmarks.md), and
/// <c>Metering:Telemetry:Tracing</c> overrides that either way; both processes read it alike.
/// </summary>
public sealed class TelemetrySwitchesTests
{
    [Theory]
    [InlineData(null, null, false, false)]
    [InlineData("", null, false, false)]
    [InlineData("http://collector:4317", null, true, true)]
    [InlineData("http://collector:4317", "false", true, false)]
    [InlineData(null, "true", false, true)]
    [InlineData(null, "false", false, false)]
    [InlineData("http://collector:4317", "true", true, true)]
    public void Switches_FollowTheEndpoint_UnlessTracingIsSet(string? endpoint, string? tracing, bool exports, bool traces)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["Metering:Telemetry:Tracing"] = tracing,
        }).Build();

        Assert.Equal((exports, traces), (SiloSwitches.ExportsOtlp(config), SiloSwitches.Traces(config)));
        Assert.Equal((exports, traces), (ApiSwitches.ExportsOtlp(config), ApiSwitches.Traces(config)));
    }

    [Fact]
    public void Tracing_ThatIsNotABoolean_FailsAtStart()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Metering:Telemetry:Tracing"] = "sometimes" }).Build();

        Assert.Throws<InvalidOperationException>(() => SiloSwitches.Traces(config));
        Assert.Throws<InvalidOperationException>(() => ApiSwitches.Traces(config));
    }

    [Fact]
    public void BothProcesses_ReadTheSameKeys()
    {
        Assert.Equal(SiloSwitches.TracingKey, ApiSwitches.TracingKey);
        Assert.Equal(SiloSwitches.OtlpEndpointKey, ApiSwitches.OtlpEndpointKey);
    }
}
