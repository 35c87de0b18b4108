using System.Diagnostics;
using Microsoft.Playwright;

namespace Metering.Bench;

/// <summary>
/// Headless Debian Chromium driven by Playwright (no browser download), launched as the
/// dashboard's browser tests launch it (tests/Dashboard/DashboardSystem.cs), and the three ways
/// the scenario reaches a view (<see cref="ViewOpening"/>), each timed from the navigation to
/// the view's first table visible. The clock runs in this process around Playwright's calls, so a
/// figure includes a few milliseconds of Playwright's own messages to the browser. After each
/// timing, untimed, the view must show its <see cref="DashboardView.Expected"/> text. Not
/// thread-safe: one caller drives one page at a time.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    /// <summary>Debian's Chromium unless <c>METERING_CHROMIUM</c> names another (as for the tests).</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("METERING_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>
    /// Far above any view's time (the target is 1 s): past it a view is broken (an error shown
    /// instead of a table, a process stuck), not slow, and the run stops.
    /// </summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The size of a laptop's window, as the browser tests use.</summary>
    private const int ViewportWidth = 1280;

    private const int ViewportHeight = 900;

    /// <summary>
    /// A view with no table and no request of its own (the reservation look-up's empty form):
    /// where an in-page navigation starts, so that nothing of the view before it is still loading
    /// and no table of it could be taken for the next view's.
    /// </summary>
    private const string StartHash = "#/reservations";

    private const string StartHeading = "Reservations";

    /// <summary>Any view's first table; a view replaces its "Loading…" line with all its content at once.</summary>
    private const string FirstTable = "#view table";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _baseUrl;
    private readonly string _adminKey;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, Uri baseUrl, string adminKey)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
        _adminKey = adminKey;
    }

    /// <summary>Chromium's version as the browser reports it.</summary>
    public string Version => _browser.Version;

    /// <summary>Throws <see cref="InvalidOperationException"/> when there is no Chromium to run: before anything else of the run starts.</summary>
    public static void ThrowIfMissing()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"the dashboard scenario needs Chromium at {ChromiumPath} (apt-get install chromium, or set METERING_CHROMIUM)");
        }
    }

    /// <summary>Launches Chromium for the dashboard at <paramref name="baseUrl"/>, signing in with <paramref name="adminKey"/> (never printed).</summary>
    public static async Task<DashboardBrowser> LaunchAsync(Uri baseUrl, string adminKey)
    {
        ThrowIfMissing();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Timeout = (float)StepTimeout.TotalMilliseconds,
                // As root Chromium needs --no-sandbox; the rest keep it off the (closed) network,
                // so that nothing but the dashboard competes for the cores while it is timed.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return new DashboardBrowser(playwright, browser, baseUrl, adminKey);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (its own session storage: signed out) and page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = ViewportWidth, Height = ViewportHeight },
            TimezoneId = "UTC",
            Locale = "en-US",
        });
        context.SetDefaultTimeout((float)StepTimeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    /// <summary>Signs <paramref name="page"/> in (untimed) and waits for the overview's first table.</summary>
    public async Task SignInAsync(IPage page)
    {
        await OpenSignInAsync(page);
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await page.Locator(FirstTable).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
    }

    /// <summary>
    /// In a fresh, signed-out context: the sign-in form open and the key typed (untimed), then
    /// from pressing "Sign in" to the overview's first table. The key is checked with the API
    /// first, then the overview is asked for and drawn.
    /// </summary>
    public async Task<double> TimeSignInAsync(DashboardView overview)
    {
        var page = await NewPageAsync();
        try
        {
            await OpenSignInAsync(page);
            long start = Stopwatch.GetTimestamp();
            await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
            await page.Locator(FirstTable).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await CheckAsync(page, overview);
            return ms;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// From a blank page in a signed-in tab (the key is in the tab's session storage): the view's
    /// address opened, so the browser loads the page (HTML, CSS, script; revalidated, as they are
    /// served <c>no-cache</c>), the script asks the API for the view's data and draws it.
    /// </summary>
    public async Task<double> TimePageLoadAsync(IPage page, DashboardView view)
    {
        await page.GotoAsync("about:blank");
        long start = Stopwatch.GetTimestamp();
        await page.GotoAsync("/admin/" + view.Hash, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.Locator(FirstTable).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await CheckAsync(page, view);
        return ms;
    }

    /// <summary>
    /// From the reservation look-up view of the open, signed-in page: the address's hash set to
    /// the view's, as following a link does, so only the view's data is asked for and drawn.
    /// </summary>
    public async Task<double> TimeInPageAsync(IPage page, DashboardView view)
    {
        await page.GotoAsync("/admin/" + StartHash);
        await page.GetByRole(AriaRole.Heading, new() { Name = StartHeading, Exact = true })
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        long start = Stopwatch.GetTimestamp();
        await page.EvaluateAsync("hash => { location.hash = hash; }", view.Hash);
        await page.Locator(FirstTable).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await CheckAsync(page, view);
        return ms;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }

    private async Task OpenSignInAsync(IPage page)
    {
        await page.GotoAsync("/admin/");
        await page.Locator("#api-key").FillAsync(_adminKey);
    }

    /// <summary>The view drew the scenario's accounts, not an error or another page.</summary>
    private static async Task CheckAsync(IPage page, DashboardView view)
    {
        string text = await page.Locator("#view").InnerTextAsync();
        if (!text.Contains(view.Expected, StringComparison.Ordinal))
        {
            string shown = text.Length > 300 ? text[..300] + "…" : text;
            throw new InvalidOperationException($"dashboard: {view.Name} ({view.Hash}) does not show '{view.Expected}'; it shows: {shown}");
        }
    }
}
