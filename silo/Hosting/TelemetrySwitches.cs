namespace Metering.Silo.Hosting;

/// <summary>
/// When the silo traces and exports (client-api reads the same keys, in its own
/// <c>Telemetry/TelemetrySwitches.cs</c>). Tracing costs CPU and allocations on every grain call
/// and SQL command even when nothing exports the spans (docs/benchmarks.md), so it is on only
/// where a collector is configured, unless <see cref="TracingKey"/> says otherwise.
/// </summary>
public static class TelemetrySwitches
{
    /// <summary>The OpenTelemetry SDK's own key for the collector: set, the silo exports over OTLP.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// <c>true</c>: subscribe the trace sources even with no OTLP endpoint (tests add an in-memory
    /// exporter; an operator may add one in code); <c>false</c>: no traces, even with one (metrics
    /// and logs still go to the collector). Unset: traces exactly when an OTLP endpoint is set.
    /// </summary>
    public const string TracingKey = "Metering:Telemetry:Tracing";

    public static bool ExportsOtlp(IConfiguration config) => config[OtlpEndpointKey] is { Length: > 0 };

    /// <summary>Whether the trace sources are subscribed; throws at start on a value that is not a boolean.</summary>
    public static bool Traces(IConfiguration config) => config.GetValue<bool?>(TracingKey) ?? ExportsOtlp(config);
}
