using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Metering.Silo.Hosting;

/// <summary>Metrics (Orleans', the ledger's, Npgsql's) for Prometheus, and trace sources for an exporter.</summary>
public static class SiloTelemetry
{
    public static IServiceCollection AddMeteringTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var telemetry = services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", Metering.Grains.Hosting.MeteringSiloExtensions.LedgerMeterName, "Npgsql")
            .AddPrometheusExporter());

        // Traces (HTTP → grain call → SQL) only where a collector is configured: a subscribed
        // source makes Orleans and Npgsql create an Activity per call and per command, which
        // costs CPU and allocations on every request even when nothing exports them.
        if (config["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", Metering.Grains.Hosting.MeteringSiloExtensions.LedgerMeterName, "Npgsql"))
                .UseOtlpExporter();
        }

        return services;
    }
}
