using Metering.ClientApi.Hosting;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Hosting;
using Metering.Grains.Time;
using Metering.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Metering.Tests.Support;

/// <summary>
/// A two-silo Orleans test cluster on its own fresh database, with a fake clock every silo reads,
/// and client-api hosted in-process on top of the cluster's client. Shared by the "cluster"
/// collection, whose tests run one at a time (they move the clock and change tier quotas).
/// </summary>
public sealed class ClusterFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const string AdminKey = "admin-key";
    public const string RelayKey = "relay-key";
    public const string PrefixKey = "acme-key";

    /// <summary>A relay key with a rate of 1 request per hour and a burst of 3 (one test uses it: <c>RateLimitHttpTests</c>).</summary>
    public const string LimitedKey = "limited-key";

    private const string ConnectionStringProperty = "MeteringTestConnectionString";

    /// <summary>Where the clock stands at the start of every test (see <see cref="ResetAsync"/>).</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The clock of every silo: tests move it instead of sleeping. Static because the silo
    /// configurator is made by the test cluster from its type; <see cref="ResetAsync"/> sets it
    /// back to <see cref="Start"/> before each test.
    /// </summary>
    public static TestClock Clock { get; } = new(Start);

    public TestCluster Cluster { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The in-process client-api's services (its routes, its options).</summary>
    public IServiceProvider ApiServices => _api!.Services;

    private WebApplication? _api;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await MeteringDatabase.CreateAsync(postgres, "cluster");
        var builder = new TestClusterBuilder(2);
        builder.Properties[ConnectionStringProperty] = ConnectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
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
            ["Metering:ApiKeys:acme:Key"] = PrefixKey,
            ["Metering:ApiKeys:acme:Scopes"] = "relay",
            ["Metering:ApiKeys:acme:IdPrefix"] = "acme-",
            ["Metering:ApiKeys:limited:Key"] = LimitedKey,
            ["Metering:ApiKeys:limited:Scopes"] = "relay",
            ["Metering:ApiKeys:limited:RateLimit:Requests"] = "1",
            ["Metering:ApiKeys:limited:RateLimit:PeriodSeconds"] = "3600",
            ["Metering:ApiKeys:limited:RateLimit:Burst"] = "3",
        });
        web.AddMeteringApi();
        web.Services.AddSingleton(Cluster.Client);
        web.Services.AddSingleton<IGrainFactory>(Cluster.Client);
        _api = web.Build();
        _api.MapMeteringApi();
        await _api.StartAsync();
        Http = _api.GetTestClient();
    }

    /// <summary>
    /// What every test of the "cluster" collection runs first, so that it starts from the same
    /// shared state whatever ran before it, alone or in any order: the clock at <see cref="Start"/>
    /// and the default tier quotas. (Accounts need no reset: each test uses fresh ids.)
    /// </summary>
    public async Task ResetAsync()
    {
        Clock.Set(Start);
        var quotas = Cluster.Client.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        foreach (var tier in Enum.GetValues<Tier>())
        {
            var result = await quotas.Set(tier, TierQuota.DefaultFor(tier));
            if (result.Outcome != Outcome.Ok)
            {
                throw new InvalidOperationException($"resetting the {tier} quota answered {result.Outcome}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
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

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            string connectionString = siloBuilder.Configuration[ConnectionStringProperty]
                ?? throw new InvalidOperationException("the test cluster has no connection string");
            siloBuilder.Services.AddSingleton(new LedgerClock(Clock));
            siloBuilder.AddMeteringGrains(connectionString);
        }
    }
}
