using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Metering.Tests.Dashboard;

/// <summary>
/// The admin dashboard in headless Chromium against running silo and client-api processes with
/// data made through the API: signing in, each view showing those accounts, a grant sent twice
/// granting once, the soft-cap banner, a relay key refused, the key never in a URL, problems
/// shown with their detail, phone width. Screenshots of each view go to docs/dashboard/.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardSystem system)
{
    [Fact]
    public async Task SignIn_ThenEveryViewShowsTheAccountsMadeThroughTheApi_AndTheKeyIsNeverInAUrl()
    {
        var page = await system.NewPageAsync();
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        page.FrameNavigated += (_, frame) => urls.Add(frame.Url);

        await SignInAsync(page, DashboardSystem.AdminKey);
        await Expect(page.Locator("#health-silos")).ToContainTextAsync("1 active");
        await Expect(page.Locator("#health-postgres")).ToContainTextAsync("reachable");
        // The front end says it is alive every 10 s and the page refreshes every 10 s.
        await Expect(page.Locator("#health-frontends")).ToContainTextAsync("1 alive", new() { Timeout = 30_000 });
        // The seeded accounts of every kind with a limit, as the silo reports them (every 5 s; the
        // page refreshes every 10 s), each linking to its own view.
        var nearest = page.GetByRole(AriaRole.Region, new() { Name = "nearest limits" });
        foreach (var (kind, id) in new[] { ("ports", system.Port), ("installs", system.Install), ("pools", system.Pool) })
        {
            await Expect(nearest.GetByRole(AriaRole.Link, new() { Name = id, Exact = true })).ToHaveAttributeAsync("href", $"#/{kind}/{id}", new() { Timeout = 30_000 });
        }

        await Expect(nearest).ToContainTextAsync("1,350 tokens");
        await Shot(page, "overview");

        await Open(page, "#/installs", system.Install);
        await Expect(page.Locator("table").First).ToContainTextAsync("core");
        await Shot(page, "installs");

        await Open(page, "#/pools", system.Pool);
        await Shot(page, "pools");
        await Open(page, $"#/pools/{system.Pool}", "Audit records");
        await Expect(page.Locator("#pool-balance")).ToContainTextAsync("$0.015");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "call-1" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "free-1" })).ToBeVisibleAsync();
        await Shot(page, "pool");

        await Open(page, "#/ports", system.Port);
        await Shot(page, "ports");

        await Open(page, "#/tenants", system.Tenant);
        await Shot(page, "tenants");
        // The seeded events are of yesterday and today (UTC): a period that holds both, whatever the date.
        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Open(page, $"#/tenants/{system.Tenant}?from={yesterday}&to={today}", "Invoice lines");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "0.015", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "staging" }).First).ToBeVisibleAsync();
        await Shot(page, "tenant");

        await page.GotoAsync("/admin/#/reservations");
        await page.GetByLabel("Account kind").SelectOptionAsync("installs");
        await page.GetByLabel("Account id").FillAsync(system.Install);
        await page.GetByLabel("Request id").FillAsync("req-2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Look up" }).ClickAsync();
        await Expect(page.Locator("#reservation")).ToContainTextAsync("reserved");
        await Shot(page, "reservations");

        Assert.True(urls.Count > 10, $"only {urls.Count} requests seen");
        Assert.DoesNotContain(urls, u => u.Contains(DashboardSystem.AdminKey, StringComparison.Ordinal));
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Equal(DashboardSystem.AdminKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('metering.adminKey')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AGrantFormSentTwice_RaisesThePoolsLimitExactlyOnce()
    {
        string pool = $"grant-{Guid.NewGuid():N}";
        (await system.SendAsync(HttpMethod.Put, $"/v1/admin/pools/{pool}", """{"limitMicros":1000}""")).EnsureSuccessStatusCode();
        var page = await system.NewPageAsync();
        await SignInAsync(page, DashboardSystem.AdminKey);
        await Open(page, $"#/pools/{pool}", "Grants");

        await page.GetByLabel("Micro-USD", new() { Exact = true }).FillAsync("2500");
        await page.GetByLabel("Note").FillAsync("support credit");
        for (int send = 0; send < 2; send++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
            await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
            await page.Locator("#confirm-ok").ClickAsync();
            await Expect(page.Locator("#messages")).ToContainTextAsync(send == 0 ? "Granted" : "already made");
        }

        await Expect(page.Locator("#pool-limit")).ToHaveAttributeAsync("data-micros", "3500");
        var (limit, grants) = await PoolLimitAndGrants(pool);
        Assert.Equal(3500, limit);
        Assert.Equal(1, grants);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ACancelledConfirmation_ChangesNothing_AndAProblemIsShownWithItsDetail()
    {
        string pool = $"cancel-{Guid.NewGuid():N}";
        (await system.SendAsync(HttpMethod.Put, $"/v1/admin/pools/{pool}", """{"limitMicros":1000}""")).EnsureSuccessStatusCode();
        var page = await system.NewPageAsync();
        await SignInAsync(page, DashboardSystem.AdminKey);
        await Open(page, $"#/pools/{pool}", "Limit");

        await page.GetByLabel("Limit (micro-USD)").FillAsync("999999");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set limit" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        Assert.Equal(1000, (await PoolLimitAndGrants(pool)).Limit);

        // The port budget editor with a soft cap above the hard cap: the API's 400 problem, shown.
        await Open(page, $"#/ports/{system.QuietPort}", "Budget");
        await page.GetByLabel("Soft cap (tokens)").FillAsync("9000");
        await page.GetByLabel("Hard cap (tokens)").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save budget" }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#messages .error")).ToContainTextAsync("invalid_request");
        await Expect(page.Locator("#messages .error")).ToContainTextAsync("softCapTokens");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task APortPastItsSoftCap_ShowsTheBanner_AndOneBelowItDoesNot()
    {
        var page = await system.NewPageAsync();
        await SignInAsync(page, DashboardSystem.AdminKey);

        await Open(page, $"#/ports/{system.Port}", "Per feature this period");
        await Expect(page.Locator("#soft-cap-banner")).ToContainTextAsync("Soft cap passed: 1,350 tokens");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "search" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ops" }).First).ToBeVisibleAsync(); // the change history's "who"
        await Shot(page, "port");

        await Open(page, $"#/ports/{system.QuietPort}", "Per feature this period");
        await Expect(page.Locator("#soft-cap-banner")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ARelayKey_IsRefused_AndNotKept()
    {
        var page = await system.NewPageAsync();
        await page.GotoAsync("/admin/");
        await page.GetByLabel("API key with the admin scope").FillAsync(DashboardSystem.RelayKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#messages .error")).ToContainTextAsync("forbidden");
        await Expect(page.Locator("#messages .error")).ToContainTextAsync("lacks the admin scope");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('metering.adminKey')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheKeyboardAlone_SignsInAndNavigates()
    {
        var page = await system.NewPageAsync();
        await page.GotoAsync("/admin/");
        // The key field has the focus on arrival.
        await page.Keyboard.TypeAsync(DashboardSystem.AdminKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#nav")).ToBeVisibleAsync();

        var pools = page.GetByRole(AriaRole.Link, new() { Name = "Pools", Exact = true });
        // Focus is in the main content after signing in; the views' links are before it.
        for (int i = 0; i < 40 && !await pools.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#view h2")).ToHaveTextAsync("Pools");
        Assert.EndsWith("#/pools", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AtPhoneWidth_ViewsFitTheScreen()
    {
        var page = await system.NewPageAsync(390, 844);
        await SignInAsync(page, DashboardSystem.AdminKey);
        foreach (var (hash, name) in new[] { ("#/overview", "phone-overview"), ($"#/pools/{system.Pool}", "phone-pool") })
        {
            await page.GotoAsync("/admin/" + hash);
            await Expect(page.Locator("#view h2").First).ToBeVisibleAsync();
            // Wide tables scroll inside their own box; the page itself never scrolls sideways.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{hash} is wider than the phone");
            await Shot(page, name);
        }

        await page.Context.CloseAsync();
    }

    // How fast these views load with 10,000 accounts of each kind is measured by the dashboard
    // benchmark (scripts/bench.sh --scenario dashboard, figures in docs/benchmarks.md), not here:
    // this checks only that they work at that size.
    [Fact]
    public async Task WithTenThousandPools_ADeepPoolsPageStartsAfterItsCursor_AndTheOverviewAndPortsShowTheirTables()
    {
        var page = await system.NewPageAsync();
        await SignInAsync(page, DashboardSystem.AdminKey);
        foreach (var (hash, heading) in new[] { ("#/pools?after=load-05000", "Pools"), ("#/overview", "Overview"), ("#/ports", "Ports") })
        {
            // From another view with a table, so the table seen next is the new view's own.
            await page.GotoAsync("/admin/#/installs");
            await Expect(page.Locator("#view h2")).ToHaveTextAsync("Installs");
            await page.GotoAsync("/admin/" + hash);
            await Expect(page.Locator("#view h2").First).ToHaveTextAsync(heading);
            await Expect(page.Locator("#view table").First).ToBeVisibleAsync();
            if (heading == "Pools")
            {
                await Expect(page.GetByRole(AriaRole.Link, new() { Name = "load-05001" })).ToBeVisibleAsync();
                await Expect(page.GetByRole(AriaRole.Link, new() { Name = "load-05000", Exact = true })).ToHaveCountAsync(0);
            }
        }

        await page.Context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/admin/");
        await page.GetByLabel("API key with the admin scope").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#nav")).ToBeVisibleAsync();
        await Expect(page.Locator("#view h2").First).ToHaveTextAsync("Overview");
    }

    private static async Task Open(IPage page, string hash, string text)
    {
        await page.GotoAsync("/admin/" + hash);
        await Expect(page.Locator("#view")).ToContainTextAsync(text);
    }

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSystem.ScreenshotFolder, name + ".png"), FullPage = true });

    private async Task<(long Limit, int Grants)> PoolLimitAndGrants(string pool)
    {
        using var poolAnswer = await system.SendAsync(HttpMethod.Get, $"/v1/pools/{pool}");
        using var grantsAnswer = await system.SendAsync(HttpMethod.Get, $"/v1/admin/pools/{pool}/grants");
        using var poolJson = JsonDocument.Parse(await poolAnswer.Content.ReadAsStringAsync());
        using var grantsJson = JsonDocument.Parse(await grantsAnswer.Content.ReadAsStringAsync());
        return (poolJson.RootElement.GetProperty("limitMicros").GetInt64(), grantsJson.RootElement.GetProperty("items").GetArrayLength());
    }
}
