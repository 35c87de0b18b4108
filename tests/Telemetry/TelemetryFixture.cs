using System.Diagnostics;
using Metering.ClientApi.Hosting;
using Metering.Grains.Hosting;
using Metering.Silo.Hosting;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Orleans.TestingHost;

namespace Metering.Tests.Telemetry;

/// <summary>
/// A one-silo test cluster and an in-process client-api, both with their real telemetry setup
/// (<see cref="SiloTelemetry"/>, <see cref="ClientApi.Telemetry.ApiTelemetry"/>) and tracing switched on by
/// configuration (<see cref="TelemetrySwitches.TracingKey"/>) with no OTLP endpoint, each
/// exporting its spans to a list in memory; and a host of the silo's metrics at <c>/metrics</c>
/// (the test cluster's silo has no HTTP port), as the silo process maps it.
/// </summary>
public sealed class TelemetryFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const string AdminKey = "telemetry-admin-key-7f3a";
    public const string RelayKey = "telemetry-relay-key-9c1e";

    private const string ConnectionStringProperty = "MeteringTestConnectionString";

    private const string SiloTelemetrySwitch = Silo.Hosting.TelemetrySwitches.TracingKey;

    // The silo configurator is made by the test cluster from its type: it reaches these statically.
    private static readonly LockedList SiloExported = new([]);

    private readonly LockedList _apiExported = new([]);
    private WebApplication? _api;
    private WebApplication? _siloMetrics;

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>client-api over the cluster, tracing on.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The silo's <c>/metrics</c> (its meters are the process's, so the cluster's silo records them).</summary>
    public HttpClient SiloMetrics { get; private set; } = null!;

    public IServiceProvider ApiServices => _api!.Services;

    public IServiceProvider SiloServices => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    public async ValueTask InitializeAsync()
    {
        string connectionString = await MeteringDatabase.CreateAsync(postgres, "telemetry");
        var builder = new TestClusterBuilder(1);
        builder.Properties[ConnectionStringProperty] = connectionString;
        builder.Properties[SiloTelemetrySwitch] = "true";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        var web = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        web.WebHost.UseTestServer();
        web.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Metering:ApiKeys:admin:Key"] = AdminKey,
            ["Metering:ApiKeys:admin:Scopes"] = "admin",
            ["Metering:ApiKeys:relay:Key"] = RelayKey,
            ["Metering:ApiKeys:relay:Scopes"] = "relay",
            [ClientApi.Telemetry.TelemetrySwitches.TracingKey] = "true",
        });
        web.AddMeteringApi();
        web.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_apiExported));
        web.Services.AddSingleton(Cluster.Client);
        web.Services.AddSingleton<IGrainFactory>(Cluster.Client);
        _api = web.Build();
        _api.MapMeteringApi();
        await _api.StartAsync();
        Http = _api.GetTestClient();

        // What silo/Program.cs does for metrics, on a test server.
        var metrics = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        metrics.WebHost.UseTestServer();
        metrics.Services.AddMeteringTelemetry(metrics.Configuration);
        _siloMetrics = metrics.Build();
        _siloMetrics.MapPrometheusScrapingEndpoint("/metrics");
        await _siloMetrics.StartAsync();
        SiloMetrics = _siloMetrics.GetTestClient();
    }

    /// <summary>Every span exported so far by client-api and the silo, each once.</summary>
    public IReadOnlyList<Activity> Spans()
    {
        var spans = _apiExported.Snapshot();
        spans.AddRange(SiloExported.Snapshot());
        // Both providers hear the Orleans sources of the one process: keep each span once.
        return [.. spans.DistinctBy(s => (s.TraceId, s.SpanId))];
    }

    /// <summary>
    /// Waits (polling, bounded) until <paramref name="found"/> holds over the exported spans: a
    /// span is exported when it ends, which for the HTTP span is after the client has its answer.
    /// </summary>
    public async Task<IReadOnlyList<Activity>> SpansWhen(Func<IReadOnlyList<Activity>, bool> found)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var spans = Spans();
            if (found(spans) || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                return spans;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_siloMetrics is not null)
        {
            await _siloMetrics.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>The silo as silo/Hosting/SiloConfiguration.cs and silo/Program.cs set it up, minus clustering and retention.</summary>
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            string connectionString = siloBuilder.Configuration[ConnectionStringProperty]
                ?? throw new InvalidOperationException("the test cluster has no connection string");
            siloBuilder.AddActivityPropagation();
            siloBuilder.AddMeteringGrains(connectionString);
            siloBuilder.Services.AddMeteringTelemetry(siloBuilder.Configuration);
            siloBuilder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(SiloExported));
        }
    }

    /// <summary>As client-api/Hosting/OrleansClientSetup.cs: grain calls carry the caller's trace.</summary>
    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.AddActivityPropagation();
    }
}
