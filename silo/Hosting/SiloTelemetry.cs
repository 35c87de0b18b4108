using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Metering.Silo.Hosting;

/// <summary>Metrics (Orleans', the ledger's, Npgsql's) for Prometheus, and trace sources for an exporter.</summary>
public static class SiloTelemetry
{
    public static IServiceCollection AddMeteringTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var telemetry = services.AddOpenTelemetry();
        // Traces (HTTP → grain call → SQL) are exported only where a collector is configured.
        if (config["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            telemetry.UseOtlpExporter();
        }

        telemetry
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", Metering.Grains.Hosting.MeteringSiloExtensions.LedgerMeterName, "Npgsql")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", Metering.Grains.Hosting.MeteringSiloExtensions.LedgerMeterName, "Npgsql"));
        return services;
    }
}
