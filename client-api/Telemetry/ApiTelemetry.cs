using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Metering.ClientApi.Telemetry;

/// <summary>
/// client-api's telemetry: metrics for Prometheus (ASP.NET Core's requests, Kestrel's
/// connections, the Orleans client's, the .NET runtime's), and, when
/// <see cref="TelemetrySwitches.Traces"/>, spans of HTTP requests and the grain calls they make.
/// Every signal carries the resource <c>service.name = metering-client-api</c>.
/// </summary>
public static class ApiTelemetry
{
    /// <summary>client-api's <c>service.name</c> (<c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public const string ServiceName = "metering-client-api";

    public static WebApplicationBuilder AddMeteringTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(Describe);
        telemetry.WithMetrics(metrics => metrics
            // System.Runtime: the runtime's own meter (.NET 9+: GC, heap, thread pool, CPU,
            // exceptions), which OpenTelemetry.Instrumentation.Runtime only subscribes to there.
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.Orleans", "System.Runtime")
            .AddPrometheusExporter());

        if (TelemetrySwitches.Traces(builder.Configuration))
        {
            // HTTP server spans, and the Orleans client's span per grain call under them (the
            // silo continues the trace). A client makes no activation or storage spans.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName));
        }

        if (TelemetrySwitches.ExportsOtlp(builder.Configuration))
        {
            // Every signal to the collector (endpoint, protocol, headers from the OTEL_* keys).
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// <c>service.name</c>, <c>service.version</c> (the build's informational version, with its
    /// commit), <c>service.instance.id</c> (a UUID per process, the SDK's and the conventions'
    /// way) and <c>host.name</c> (the pod's name in Kubernetes). The OTEL_SERVICE_NAME and
    /// OTEL_RESOURCE_ATTRIBUTES variables are read again last, so an operator's values win.
    /// </summary>
    private static void Describe(ResourceBuilder resource) => resource
        .AddService(
            ServiceName,
            serviceVersion: typeof(ApiTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            autoGenerateServiceInstanceId: true)
        .AddAttributes([new("host.name", Environment.MachineName)])
        .AddEnvironmentVariableDetector();
}
