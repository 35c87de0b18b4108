using Metering.Grains.Storage;
using Metering.Silo.Hosting;

// The silo: hosts the account grains, migrates the schema at start, joins the cluster through the
// PostgreSQL clustering table, and serves /healthz, /readyz and /metrics for operators.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8081");
var settings = SiloSettings.From(builder.Configuration);

using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole()))
{
    // The clustering tables must exist before the silo joins, so migrate before the host starts.
    await SchemaMigrator.MigrateAsync(
        settings.ConnectionString, loggerFactory.CreateLogger("Metering.Schema"), waitForDatabase: TimeSpan.FromSeconds(60));
}

builder.Host.UseOrleans(silo => silo.ConfigureMeteringSilo(settings));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
builder.Services.AddMeteringTelemetry(builder.Configuration);
builder.Services.AddSingleton(settings);

var app = builder.Build();
app.MapSiloHealth();
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync();
