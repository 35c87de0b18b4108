using Metering.ClientApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// The routes client-api maps, read from its endpoint data source: the same registration the
/// real process and the test fixture run (<see cref="MeteringApi.MapMeteringApi"/>), on an app
/// that is built but never started.
/// </summary>
internal static class MappedRoutes
{
    /// <summary>Each route as <c>METHOD /pattern</c> (<c>*</c> for every method), with a trailing slash removed.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(IGrainFactory grains)
    {
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        web.WebHost.UseTestServer();
        web.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Metering:ApiKeys:admin:Key"] = "unused",
            ["Metering:ApiKeys:admin:Scopes"] = "admin",
        });
        web.AddMeteringApi();
        web.Services.AddSingleton(grains);
        await using var app = web.Build();
        app.MapMeteringApi();
        var names = new List<string>();
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            string pattern = endpoint.RoutePattern.RawText ?? "";
            pattern = pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;
            pattern = pattern.StartsWith('/') || pattern.StartsWith('{') ? pattern : "/" + pattern;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            names.AddRange(methods.Select(m => $"{m} {pattern}"));
        }

        return names;
    }
}
