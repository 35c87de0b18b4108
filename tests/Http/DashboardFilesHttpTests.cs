using System.Net;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>The dashboard's static files at <c>/admin/</c>: served from the assembly, same-origin only by policy.</summary>
public sealed class DashboardFilesHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Admin_RedirectsToItsFolder_AndServesThePage()
    {
        using var redirect = await Fixture.Http.GetAsync("/admin", TestContext.Current.CancellationToken);
        using var page = await Fixture.Http.GetAsync("/admin/", TestContext.Current.CancellationToken);
        string html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/admin/", redirect.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"dashboard.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        string policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", string.Join("", page.Headers.GetValues("Referrer-Policy")));
    }

    [Theory]
    [InlineData("/admin/dashboard.js", "text/javascript")]
    [InlineData("/admin/dashboard.css", "text/css")]
    public async Task Assets_AreServedWithTheirTypes(string path, string type)
    {
        using var response = await Fixture.Http.GetAsync(path, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Length > 1000);
        // Nothing from another origin: the dashboard must work on machines with no internet.
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownFile_IsTheApisNotFoundProblem()
    {
        var (status, body, type) = await Fixture.Http.Send(HttpMethod.Get, "/admin/nothing.js", null);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(("not_found", "application/problem+json"), (body.Code(), type));
    }
}
