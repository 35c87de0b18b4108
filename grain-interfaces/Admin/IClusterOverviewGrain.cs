namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// The cluster at a glance for the dashboard's Overview: silos (from Orleans' membership), front
/// ends and each silo's recent ledger activity (both reported here every few seconds by the
/// processes themselves), PostgreSQL's reachability and the pools nearest their limits. One
/// activation (key <see cref="Key"/>); what it was told lives in memory only, bounded, and is
/// told again within seconds if the activation moves.
/// </summary>
[Alias("Metering.IClusterOverviewGrain")]
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    /// <summary>The one key used.</summary>
    const long Key = 0;

    /// <summary>A silo's activity over its recent window (replaces that silo's previous report).</summary>
    [Alias("Report")]
    Task Report(SiloActivity activity);

    /// <summary>A front end (client-api process) saying it is alive.</summary>
    [Alias("FrontEndAlive")]
    Task FrontEndAlive(FrontEndBeat beat);

    /// <summary>The overview as of now.</summary>
    [Alias("Get")]
    Task<ClusterOverview> Get();
}
