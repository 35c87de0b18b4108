using Orleans.Configuration;

namespace Metering.ClientApi.Hosting;

/// <summary>The Orleans client of a real client-api process: it finds silos through the clustering table.</summary>
public static partial class OrleansClientSetup
{
    /// <summary>This project's default for <see cref="GatewayOptions.GatewayListRefreshPeriod"/> (Orleans: 1 minute).</summary>
    public static readonly TimeSpan DefaultGatewayListRefreshPeriod = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddMeteringOrleansClient(this WebApplicationBuilder builder)
    {
        string connectionString = builder.Configuration.GetConnectionString("Metering") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("ConnectionStrings__Metering is required (an Npgsql connection string).");
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = builder.Configuration["Orleans:ClusterId"] ?? "metering";
                o.ServiceId = builder.Configuration["Orleans:ServiceId"] ?? "metering";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            // Our default first, then Orleans:Gateway (GatewayOptions), so a key set there wins.
            // A client whose gateways all failed re-reads the table on its next call anyway; the
            // period bounds how long an idle one, or one still holding a live gateway, takes to
            // use a new silo (docs/operations.md). Costs one small SELECT per period.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = DefaultGatewayListRefreshPeriod);
            client.Services.Configure<GatewayOptions>(builder.Configuration.GetSection("Orleans:Gateway"));
            client.AddActivityPropagation();
            client.UseConnectionRetryFilter<RetryUntilStopped>();
        });
        return builder;
    }

    /// <summary>Silos may start after the front end (a rollout, a laptop): keep trying until stopped.</summary>
    private sealed partial class RetryUntilStopped(ILogger<RetryUntilStopped> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogRetry(logger, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "No silo reachable yet ({Reason}); retrying in 2 s")]
        private static partial void LogRetry(ILogger logger, string reason);
    }
}
