using Metering.Grains.Hosting;
using Orleans.Configuration;

namespace Metering.Silo.Hosting;

/// <summary>Orleans configuration of a production silo: ADO.NET clustering on PostgreSQL, the grains and the retention clean-up.</summary>
public static class SiloConfiguration
{
    public static ISiloBuilder ConfigureMeteringSilo(this ISiloBuilder silo, SiloSettings settings)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.SiloName is { } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        // Our defaults first, then Orleans:Membership, so that any key set there wins.
        silo.Services.Configure<ClusterMembershipOptions>(MembershipDefaults.Apply);
        silo.Services.Configure<ClusterMembershipOptions>(settings.Membership);
        silo.ConfigureEndpoints(
            settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = settings.ConnectionString;
        });
        if (settings.KubernetesHosting)
        {
            // Declares dead, at once, the Active entries of silos whose pods no longer exist (on
            // start and while watching pods), instead of waiting for probes. It also sets SiloName
            // to POD_NAME, as we do; the address stays ours, since ConfigureEndpoints set POD_IP.
            silo.UseKubernetesHosting();
        }

        silo.AddActivityPropagation();
        silo.AddMeteringGrains(settings.ConnectionString);
        silo.AddMeteringRetention(settings.Retention);
        silo.AddMeteringAccountMemory(settings.Accounts);
        return silo;
    }
}
