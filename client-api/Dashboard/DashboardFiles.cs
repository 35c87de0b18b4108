using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Metering.ClientApi.Dashboard;

/// <summary>
/// Serves the admin dashboard at <c>/admin/</c>: a few static files embedded in this assembly
/// (no CDN, no build step, nothing to deploy beside the dll), with a Content-Security-Policy
/// that lets the page load and call only this origin. The page holds no secret: it asks for an
/// API key, keeps it in session storage and sends it as the bearer header to the public API, so
/// it can do nothing its key could not.
/// </summary>
internal static class DashboardFiles
{
    public const string Path = "/admin";

    private const string ResourcePrefix = "Metering.Dashboard";

    // 'self' only: no inline script or style, no other origin, never framed; forms post nowhere else.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /// <summary>Adds the dashboard's files before routing, so the API's fallback (404 problem) never shadows them.</summary>
    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app)
    {
        var files = new EmbeddedFileProvider(typeof(DashboardFiles).Assembly, ResourcePrefix);
        // "/admin" without its slash: relative links of the page need the folder form.
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.Equals(Path, StringComparison.Ordinal) && HttpMethods.IsGet(http.Request.Method))
            {
                http.Response.Redirect(Path + "/");
                return;
            }

            if (http.Request.Path.StartsWithSegments(Path, StringComparison.Ordinal))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
            }

            await next(http);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
        });
        return app;
    }
}
