using System.Net;
using Metering.Grains.Engine;
using Metering.Grains.Retention;

namespace Metering.Silo.Hosting;

/// <summary>
/// The silo's configuration, as API.md "Running it" names it, read once at start. Kubernetes
/// passes the pod's name and IP through the downward API (<c>POD_NAME</c>, <c>POD_IP</c>).
/// </summary>
public sealed record SiloSettings(
    string ConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    IPAddress AdvertisedAddress,
    bool ListenOnAnyAddress,
    string? SiloName,
    TimeSpan ShutdownTimeout,
    IConfigurationSection Membership,
    bool KubernetesHosting,
    RetentionSettings Retention,
    AccountMemory Accounts)
{
    public static SiloSettings From(IConfiguration config)
    {
        string connectionString = ReadConnectionString(config);
        string? podIp = config["POD_IP"] ?? config["Orleans:AdvertisedIP"];
        var advertised = podIp is null ? IPAddress.Loopback : IPAddress.Parse(podIp);
        return new SiloSettings(
            connectionString,
            config["Orleans:ClusterId"] ?? "metering",
            config["Orleans:ServiceId"] ?? "metering",
            config.GetValue("Orleans:SiloPort", 11111),
            config.GetValue("Orleans:GatewayPort", 30000),
            advertised,
            // On a laptop, listen on loopback only; in a pod, on every address of the pod.
            ListenOnAnyAddress: podIp is not null,
            config["POD_NAME"] ?? config["Orleans:SiloName"],
            TimeSpan.FromSeconds(config.GetValue("Orleans:ShutdownTimeoutSeconds", 45)),
            // Optional failure-detection tuning (ClusterMembershipOptions: ProbeTimeout,
            // NumMissedProbesLimit, ...), bound over MembershipDefaults.
            config.GetSection("Orleans:Membership"),
            // Off unless asked for: outside a pod, or without its RBAC, Orleans' Kubernetes agent
            // cannot start, and it would keep the silo from starting.
            config.GetValue("Orleans:KubernetesHosting", false),
            // Checked here, before anything starts: a retention below what API.md promises
            // (24 hours for a requestId) stops the silo with the setting's name and bounds.
            ReadRetention(config.GetSection(RetentionSettings.Section)),
            ReadAccounts(config.GetSection(AccountMemory.Section)));
    }

    /// <summary>
    /// <c>ConnectionStrings:Metering</c>, required. Read on its own by the migrate-only mode, which
    /// needs nothing else.
    /// </summary>
    public static string ReadConnectionString(IConfiguration config) =>
        config.GetConnectionString("Metering") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("ConnectionStrings__Metering is required (an Npgsql connection string).");

    private static AccountMemory ReadAccounts(IConfiguration section) => new AccountMemory(
        TimeSpan.FromMinutes(section.GetValue("IdleMinutes", (double)AccountMemory.DefaultIdleMinutes)),
        TimeSpan.FromMinutes(section.GetValue("RememberMinutes", (double)AccountMemory.DefaultRememberMinutes)),
        section.GetValue("MaxRememberedPerSilo", AccountMemory.DefaultMaxRememberedPerSilo),
        section.GetValue("ShedOnMemoryPressure", true)).Validated();

    private static RetentionSettings ReadRetention(IConfiguration section) => new(
        section.GetValue("RequestIdHours", RetentionSettings.DefaultRequestIdHours),
        section.GetValue("UsageEventDays", RetentionSettings.DefaultUsageEventDays),
        section.GetValue("IntervalMinutes", RetentionSettings.DefaultIntervalMinutes),
        section.GetValue("MaxRunSeconds", RetentionSettings.DefaultMaxRunSeconds),
        section.GetValue("Enabled", true));
}
