using Metering.ClientApi.Hosting;
using Metering.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// The settings behind <see cref="CrashRecoveryTests"/>, as the silo and client-api hosts resolve
/// them from configuration (hosts built, not started). Kept beside the process test they explain.
/// </summary>
public sealed class RecoverySettingsTests
{
    private const string ConnectionString = "Host=127.0.0.1;Username=unused";

    [Fact]
    public void SiloMembership_WithNoConfiguration_UsesThisProjectsDefaults()
    {
        var options = SiloMembership([]);

        Assert.Equal(MembershipDefaults.IAmAliveTablePublishTimeout, options.IAmAliveTablePublishTimeout);
        Assert.Equal(MembershipDefaults.NumMissedTableIAmAliveLimit, options.NumMissedTableIAmAliveLimit);
        Assert.Equal(MembershipDefaults.TableRefreshTimeout, options.TableRefreshTimeout);
        Assert.Equal(MembershipDefaults.ProbeTimeout, options.ProbeTimeout);
        Assert.Equal(MembershipDefaults.NumMissedProbesLimit, options.NumMissedProbesLimit);
        Assert.Equal(MembershipDefaults.NumVotesForDeathDeclaration, options.NumVotesForDeathDeclaration);
    }

    [Fact]
    public void SiloMembership_KeySetInConfiguration_WinsOverTheDefaultAndLeavesTheOthers()
    {
        var options = SiloMembership(new() { ["Orleans:Membership:ProbeTimeout"] = "00:00:05" });

        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeTimeout);
        Assert.Equal(MembershipDefaults.TableRefreshTimeout, options.TableRefreshTimeout);
    }

    /// <summary>
    /// The worst case of the probing path after the only silo dies, from the Orleans source (see
    /// docs/operations.md, "Crash recovery"): its entry turns stale after H × N, the joining silo
    /// notices at its next re-read (R), misses M probes one period P apart, declares it dead, and
    /// its connectivity check passes on the next round (a wait of P, a probe of at most P). What is
    /// left of the 30 s is for the replacement's gateway to reach client-api.
    /// </summary>
    [Fact]
    public void MembershipDefaults_WorstCaseDetection_LeavesFiveSecondsOfThe30()
    {
        var detection = (MembershipDefaults.IAmAliveTablePublishTimeout * MembershipDefaults.NumMissedTableIAmAliveLimit)
            + MembershipDefaults.TableRefreshTimeout
            + (MembershipDefaults.ProbeTimeout * MembershipDefaults.NumMissedProbesLimit)
            + (MembershipDefaults.ProbeTimeout * 2);

        Assert.Equal(TimeSpan.FromSeconds(25), detection);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void KubernetesHosting_AddsOrleansKubernetesAgent_OnlyWhenConfigured(string? setting, bool added)
    {
        var config = new Dictionary<string, string?>();
        if (setting is not null)
        {
            config["Orleans:KubernetesHosting"] = setting;
        }

        var builder = SiloHostBuilder(config);

        Assert.Equal(added, builder.Services.Any(s => s.ImplementationType == typeof(KubernetesClusterAgent)));
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData("00:00:30", 30)]
    public void ClientApiGatewayRefresh_DefaultsTo10Seconds_AndConfigurationWins(string? setting, int seconds)
    {
        var config = new Dictionary<string, string?> { ["ConnectionStrings:Metering"] = ConnectionString };
        if (setting is not null)
        {
            config["Orleans:Gateway:GatewayListRefreshPeriod"] = setting;
        }

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddMeteringOrleansClient();
        using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(seconds), options.GatewayListRefreshPeriod);
    }

    private static ClusterMembershipOptions SiloMembership(Dictionary<string, string?> config)
    {
        using var host = SiloHostBuilder(config).Build();
        return host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }

    private static HostApplicationBuilder SiloHostBuilder(Dictionary<string, string?> config)
    {
        config["ConnectionStrings:Metering"] = ConnectionString;
        var settings = SiloSettings.From(new ConfigurationBuilder().AddInMemoryCollection(config).Build());
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.ConfigureMeteringSilo(settings));
        return builder;
    }
}
