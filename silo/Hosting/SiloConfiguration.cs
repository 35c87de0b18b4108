using Metering.Grains.Hosting;
using Orleans.Configuration;

namespace Metering.Silo.Hosting;

/// <summary>Orleans configuration of a production silo: ADO.NET clustering on PostgreSQL plus the grains.</summary>
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
        return silo;
    }
}
