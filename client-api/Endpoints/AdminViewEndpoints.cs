using System.Globalization;
using Metering.ClientApi.Auth;
using Metering.ClientApi.OpenApi;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// The admin views over HTTP (API.md "Admin views", docs/api.md): every pool, port and tenant,
/// paged; a pool's grants and a port's budget history; the cluster overview. Admin scope; one
/// grain call per request (the overview: one).
/// </summary>
internal static class AdminViewEndpoints
{
    public static void MapAdminViewEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Admin").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/pools", ListPools).Paged().WithSummary("Every pool's balance, paged by poolId").Answers<PageJson<PoolView>>();
        admin.MapGet("/ports", ListPorts).Paged().WithSummary("Every port's budget and current period usage, paged by portId").Answers<PageJson<PortView>>();
        admin.MapGet("/tenants", ListTenants).Paged().WithSummary("Every tenant with usage events, paged by tenantId").Answers<PageJson<TenantSummary>>();
        admin.MapGet("/pools/{poolId}/grants", ListGrants).Paged().WithSummary("A pool's grants as first answered, paged by grantId").Answers<PageJson<PoolGrantReceipt>>();
        admin.MapGet("/ports/{portId}/budget-changes", ListBudgetChanges).Paged().WithSummary("A port's budget changes (who, when, what), newest first, paged").Answers<PageJson<BudgetChange>>();
        admin.MapGet("/overview", GetOverview).WithSummary("Cluster health, recent activity per second, flush batches, pools nearest their limits").Answers<OverviewJson>();
        app.MapSeriesEndpoints();
    }

    private static IAdminViewsGrain Views(IGrainFactory grains) => grains.GetGrain<IAdminViewsGrain>(0);

    private static async Task<IResult> ListPools(HttpContext http, IGrainFactory grains)
    {
        var (page, problem) = ReadPage(http);
        if (problem is not null)
        {
            return problem;
        }

        var result = await Views(grains).ListPools(page.After, page.Limit);
        return Answers.From(result.Outcome, new PageJson<PoolView>(result.Items, result.Next));
    }

    private static async Task<IResult> ListPorts(HttpContext http, IGrainFactory grains)
    {
        var (page, problem) = ReadPage(http);
        if (problem is not null)
        {
            return problem;
        }

        var result = await Views(grains).ListPorts(page.After, page.Limit);
        return Answers.From(result.Outcome, new PageJson<PortView>(result.Items, result.Next));
    }

    private static async Task<IResult> ListTenants(HttpContext http, IGrainFactory grains)
    {
        var (page, problem) = ReadPage(http);
        if (problem is not null)
        {
            return problem;
        }

        var result = await Views(grains).ListTenants(page.After, page.Limit);
        return Answers.From(result.Outcome, new PageJson<TenantSummary>(result.Items, result.Next));
    }

    private static async Task<IResult> ListGrants(HttpContext http, string poolId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin, "poolId", poolId) is { } denied)
        {
            return denied;
        }

        var (page, problem) = Paging.Read(http.Request.Query);
        if (problem is not null)
        {
            return problem;
        }

        var result = await Views(grains).PoolGrants(poolId, page.After, page.Limit);
        return Answers.From(result.Outcome, new PageJson<PoolGrantReceipt>(result.Items, result.Next));
    }

    private static async Task<IResult> ListBudgetChanges(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin, "portId", portId) is { } denied)
        {
            return denied;
        }

        var (page, problem) = Paging.Read(http.Request.Query);
        if (problem is not null)
        {
            return problem;
        }

        // Newest first: the cursor is the sequence number of the last change of the page before.
        long? before = null;
        if (page.After is { } cursor)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out long seq) || seq < 1)
            {
                return ApiProblems.Invalid("after", "must be the cursor of a previous page");
            }

            before = seq;
        }

        var result = await Views(grains).PortBudgetChanges(portId, before, page.Limit);
        var body = new PageJson<BudgetChange>(result.Items, result.Next?.ToString(CultureInfo.InvariantCulture));
        return Answers.From(result.Outcome, body);
    }

    private static async Task<IResult> GetOverview(HttpContext http, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin) is { } denied)
        {
            return denied;
        }

        var overview = await grains.GetGrain<IClusterOverviewGrain>(IClusterOverviewGrain.Key).Get();
        return Answers.Ok(OverviewJson.From(overview));
    }

    /// <summary>The key (admin, every account: no prefix) and the paging query of a list.</summary>
    private static ((int Limit, string? After) Page, IResult? Problem) ReadPage(HttpContext http)
    {
        if (Access.Check(http, Scope.Admin) is { } denied)
        {
            return ((0, null), denied);
        }

        var (page, problem) = Paging.Read(http.Request.Query);
        return (page, problem);
    }
}
