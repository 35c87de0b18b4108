using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// Read-only views over every account for the admin dashboard and tools (API.md "Admin views"):
/// lists paged by id (keyset, never OFFSET) and daily series read from the day buckets
/// (<c>port_usage_day</c>, <c>usage_rollup_day</c>), never from raw events. Stateless; any key
/// works. Nothing here changes an account.
/// </summary>
[Alias("Metering.IAdminViewsGrain")]
public interface IAdminViewsGrain : IGrainWithIntegerKey
{
    /// <summary>Pools with an id greater than <paramref name="after"/>, at most <paramref name="limit"/> (1 to <see cref="Limits.MaxPageSize"/>).</summary>
    [Alias("ListPools")]
    Task<PoolPage> ListPools(string? after, int limit);

    /// <summary>Ports with an id greater than <paramref name="after"/>: budget and current period usage.</summary>
    [Alias("ListPorts")]
    Task<PortPage> ListPorts(string? after, int limit);

    /// <summary>Tenants with usage events and an id greater than <paramref name="after"/>.</summary>
    [Alias("ListTenants")]
    Task<TenantPage> ListTenants(string? after, int limit);

    /// <summary>
    /// A port's tokens and calls per UTC day and feature in [<paramref name="from"/>, <paramref name="to"/>]
    /// (both inclusive, at most <see cref="Limits.MaxSeriesDays"/> days), ordered by day then feature.
    /// </summary>
    [Alias("PortDaily")]
    Task<PortDailyResult> PortDaily(string portId, DateOnly from, DateOnly to);

    /// <summary>
    /// A tenant's requests, tokens and exact charge per UTC day and deployment in
    /// [<paramref name="from"/>, <paramref name="to"/>] (at most <see cref="Limits.MaxSeriesDays"/> days).
    /// </summary>
    [Alias("TenantDaily")]
    Task<TenantDailyResult> TenantDaily(string tenantId, DateOnly from, DateOnly to);

    /// <summary>A port's budget changes (who, when, what), newest first, after the cursor <paramref name="before"/> (a sequence number).</summary>
    [Alias("PortBudgetChanges")]
    Task<BudgetChangePage> PortBudgetChanges(string portId, long? before, int limit);

    /// <summary>A pool's grants in grantId order, after <paramref name="after"/>.</summary>
    [Alias("PoolGrants")]
    Task<GrantPage> PoolGrants(string poolId, string? after, int limit);
}
