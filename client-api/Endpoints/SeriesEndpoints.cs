using System.Globalization;
using Metering.ClientApi.Auth;
using Metering.ClientApi.OpenApi;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// Daily series of one account (API.md "Admin views"): a port's tokens per day and feature, a
/// tenant's usage and charges per day and deployment. Reads of one account: relay or admin, and a
/// key's prefix applies. <c>from</c> and <c>to</c> are UTC days, both inclusive, at most
/// <see cref="Limits.MaxSeriesDays"/> days apart.
/// </summary>
internal static class SeriesEndpoints
{
    public static void MapSeriesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/ports/{portId}/daily", PortDaily).RequireAuthorization(Scopes.Relay).Dates().WithTags("Ports").WithSummary("Tokens and calls per UTC day and feature (both dates inclusive, at most 400 days)").Answers<PortDay[]>();
        app.MapGet("/v1/tenants/{tenantId}/daily", TenantDaily).RequireAuthorization(Scopes.Relay).Dates().WithTags("Invoices").WithSummary("Requests, tokens and exact charge per UTC day and deployment (at most 400 days)").Answers<TenantDay[]>();
    }

    private static async Task<IResult> PortDaily(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, "portId", portId) is { } denied)
        {
            return denied;
        }

        if (ReadRange(http.Request.Query) is not { } range)
        {
            return RangeProblem(http.Request.Query);
        }

        var result = await grains.GetGrain<IAdminViewsGrain>(0).PortDaily(portId, range.From, range.To);
        return Answers.From(result.Outcome, result.Items.ToArray(), result.Errors);
    }

    private static async Task<IResult> TenantDaily(HttpContext http, string tenantId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, "tenantId", tenantId) is { } denied)
        {
            return denied;
        }

        if (ReadRange(http.Request.Query) is not { } range)
        {
            return RangeProblem(http.Request.Query);
        }

        var result = await grains.GetGrain<IAdminViewsGrain>(0).TenantDaily(tenantId, range.From, range.To);
        return Answers.From(result.Outcome, result.Items.ToArray(), result.Errors);
    }

    private static (DateOnly From, DateOnly To)? ReadRange(IQueryCollection query) =>
        Day(query, "from") is { } from && Day(query, "to") is { } to ? (from, to) : null;

    private static ProblemBody RangeProblem(IQueryCollection query)
    {
        var errors = new ValidationErrors();
        foreach (string name in new[] { "from", "to" })
        {
            if (Day(query, name) is null)
            {
                errors.Add(name, "is required, as YYYY-MM-DD");
            }
        }

        return ApiProblems.Invalid(errors);
    }

    private static DateOnly? Day(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var text) && text.Count == 1
        && DateOnly.TryParseExact(text[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
}
