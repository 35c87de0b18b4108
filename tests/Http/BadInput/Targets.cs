namespace Metering.Tests.Http.BadInput;

/// <summary>
/// The accounts the bad requests aim at, one of each kind, with known state made before the
/// barrage (see <see cref="AccountState"/>): an install with an open reservation, a pool with a
/// limit, a hold and audit records, a port with a budget, a hold and usage, a tenant with events.
/// </summary>
internal sealed record Targets(string Install, string Pool, string Port, string Tenant)
{
    /// <summary>The open reservation every account kind holds.</summary>
    public const string Held = "held";

    /// <summary>A committed reservation (install and pool).</summary>
    public const string Done = "done";

    /// <summary>A pool free call's requestId: keyed apart from reservations, so no reservation of that name exists.</summary>
    public const string FreeCall = "free-1";

    /// <summary>A port usage record's requestId: likewise no reservation of that name.</summary>
    public const string PortUsage = "use-1";

    /// <summary>A requestId never used anywhere.</summary>
    public const string Nowhere = "bi-never-used";

    public static Targets Fresh()
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        return new($"bi-inst-{suffix}", $"bi-pool-{suffix}", $"bi-port-{suffix}", $"bi-tenant-{suffix}");
    }
}
