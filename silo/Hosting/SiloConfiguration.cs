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

        silo.Services.Configure<ClusterMembershipOptions>(settings.Membership);
        silo.ConfigureEndpoints(
            settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = settings.ConnectionString;
        });
        silo.AddActivityPropagation();
        silo.AddMeteringGrains(settings.ConnectionString);
        silo.AddMeteringRetention(settings.Retention);
        return silo;
    }
}
