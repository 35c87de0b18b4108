using Metering.Silo.Hosting;

// The silo: hosts the account grains, migrates the schema at start (or, where its role has no DDL
// rights, only checks that it is current), joins the cluster through the PostgreSQL clustering
// table, and serves /healthz, /readyz and /metrics for operators. With --migrate-only it applies
// the migrations and exits: the Kubernetes migration Job.
var builder = WebApplication.CreateBuilder(MigrationSettings.WithoutMigrateOnly(args));
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8081");
var migrations = MigrationSettings.From(builder.Configuration, args);
// Settings are checked before anything touches the database; migrating needs only the connection string.
SiloSettings? settings = migrations.MigrateOnly ? null : SiloSettings.From(builder.Configuration);
string connectionString = settings?.ConnectionString ?? SiloSettings.ReadConnectionString(builder.Configuration);

// The clustering tables must exist before the silo joins, so this runs before the host starts.
// The host's logging is not built yet: this one reads the same Logging section (JSON in a pod).
using (var loggerFactory = LoggerFactory.Create(logging => logging
    .AddConfiguration(builder.Configuration.GetSection("Logging"))
    .AddConsole()))
{
    if (!await SchemaStartup.PrepareAsync(connectionString, migrations, loggerFactory.CreateLogger("Metering.Schema")))
    {
        return 1;
    }
}

if (settings is null)
{
    return 0; // --migrate-only: done
}

builder.Host.UseOrleans(silo => silo.ConfigureMeteringSilo(settings));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
builder.Services.AddMeteringTelemetry(builder.Configuration);
builder.Services.AddSingleton(settings);

var app = builder.Build();
app.MapSiloHealth();
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync();
return 0;
