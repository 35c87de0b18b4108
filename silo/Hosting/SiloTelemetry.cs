using System.Reflection;
using Metering.Grains.Hosting;
using Metering.Grains.Storage;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Diagnostics;

namespace Metering.Silo.Hosting;

/// <summary>
/// The silo's telemetry: metrics for Prometheus (Orleans', the ledger's, Npgsql's, the .NET
/// runtime's), and, when <see cref="TelemetrySwitches.Traces"/>, spans of grain calls, activations,
/// grain storage, ledger flushes and SQL commands. Every signal carries the resource
/// <c>service.name = metering-silo</c>.
/// </summary>
public static class SiloTelemetry
{
    /// <summary>The silo's <c>service.name</c> (<c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public const string ServiceName = "metering-silo";

    public static IServiceCollection AddMeteringTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var telemetry = services.AddOpenTelemetry().ConfigureResource(Describe);
        telemetry.WithMetrics(metrics => metrics
            // System.Runtime: the runtime's own meter (.NET 9+: GC, heap, thread pool, CPU,
            // exceptions), which OpenTelemetry.Instrumentation.Runtime only subscribes to there.
            .AddMeter("Microsoft.Orleans", MeteringSiloExtensions.LedgerMeterName, "System.Runtime")
            .AddNpgsqlInstrumentation()
            .AddPrometheusExporter());

        if (TelemetrySwitches.Traces(config))
        {
            telemetry.WithTracing(tracing => tracing
                // Orleans 10's sources: grain calls (application and runtime interfaces),
                // activation and deactivation (Lifecycle), grain state reads and writes (Storage).
                .AddSource(
                    ActivitySources.ApplicationGrainActivitySourceName,
                    ActivitySources.RuntimeActivitySourceName,
                    ActivitySources.LifecycleActivitySourceName,
                    ActivitySources.StorageActivitySourceName)
                // One span per shared flush, linked to the grain calls it made durable.
                .AddSource(LedgerTracing.ActivitySourceName)
                // Npgsql's span per command (under the flush span for the ledger's writes).
                .AddNpgsql());
        }

        if (TelemetrySwitches.ExportsOtlp(config))
        {
            // Every signal to the collector (endpoint, protocol, headers from the OTEL_* keys).
            telemetry.UseOtlpExporter();
        }

        return services;
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
            serviceVersion: typeof(SiloTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            autoGenerateServiceInstanceId: true)
        .AddAttributes([new("host.name", Environment.MachineName)])
        .AddEnvironmentVariableDetector();
}
