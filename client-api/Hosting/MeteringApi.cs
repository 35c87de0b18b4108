using Metering.ClientApi.Telemetry;
using Scalar.AspNetCore;
using Metering.ClientApi.Auth;
using Metering.ClientApi.Endpoints;
using Metering.ClientApi.OpenApi;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Hosting;

/// <summary>The front end's services and routes, shared by the real process and the tests.</summary>
public static class MeteringApi
{
    /// <summary>API keys, telemetry, OpenAPI and request bounds. The caller supplies the Orleans client.</summary>
    public static WebApplicationBuilder AddMeteringApi(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        }

        // A hard ceiling above the largest body any route accepts (the 1 MiB batch); each route
        // enforces its own, smaller bound with a 413 problem.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2 * Limits.MaxBatchBodyBytes);
        builder.Services.AddApiKeyAuth(ApiKeyRing.FromConfiguration(builder.Configuration));
        // The OpenAPI document describes types with these options: make enums the camelCase
        // strings the API writes (answers themselves use ApiJson.Options).
        // Numbers strictly as numbers: the routes refuse "5" where an integer is due.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddMeteringOpenApi();
        builder.Services.AddHostedService<Dashboard.FrontEndHeartbeat>();
        builder.AddMeteringTelemetry();
        return builder;
    }

    /// <summary>Maps every route: health, metrics, OpenAPI, the API, and problem answers for the rest.</summary>
    public static WebApplication MapMeteringApi(this WebApplication app)
    {
        app.UseMiddleware<ProblemMiddleware>();
        Dashboard.DashboardFiles.UseDashboard(app);
        // Routing after the problem middleware, so routing faults are answered as problems too.
        app.UseRouting();
        app.UseApiKeyAuth();
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json");
        // The browsable reference of that document; its script is served from the package, no CDN.
        app.MapScalarApiReference(MeteringOpenApi.ReferencePath, reference => reference.WithTitle("Metering API"));
        app.MapInstallEndpoints();
        app.MapPoolEndpoints();
        app.MapPortEndpoints();
        app.MapUsageEndpoints();
        app.MapAdminViewEndpoints();
        app.MapFallback((HttpContext http) => Problems.ApiProblems.NotFound($"no route {http.Request.Method} {http.Request.Path}"));
        return app;
    }
}
