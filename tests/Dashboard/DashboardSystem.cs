using System.Net.Http.Headers;
using System.Text;
using Metering.Tests.EndToEnd;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Metering.Tests.Dashboard;

/// <summary>
/// What the dashboard's browser tests run against: a real silo and client-api process on their
/// own database (the run's PostgreSQL), with an admin key and a relay key, and headless Debian
/// Chromium driven by Playwright (<see cref="ChromiumPath"/>; scripts/test.sh installs it with
/// apt-get). The data is made through the API, as the README's examples make it, plus 10,000
/// pools written straight into the ledger table to check the views at that size (how fast they
/// load is measured by the dashboard benchmark, scripts/bench.sh --scenario dashboard).
/// </summary>
public sealed class DashboardSystem(PostgresFixture postgres) : IAsyncLifetime
{
    public const string AdminKey = "dash-admin-key-7f3c";
    public const string RelayKey = "dash-relay-key-91ab";

    /// <summary>Debian's Chromium; <c>METERING_CHROMIUM</c> points elsewhere.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("METERING_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Pools seeded so the views are checked at the size the dashboard's target names (10,000 accounts).</summary>
    public const int SeededPools = 10_000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private AppProcess? _silo;
    private AppProcess? _api;
    private IPlaywright? _playwright;

    public Uri ApiUrl { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    public string Install => $"demo-install-{Run}";

    public string Pool => $"demo-pool-{Run}";

    public string Port => $"demo-port-{Run}";

    public string QuietPort => $"demo-quiet-{Run}";

    public string Tenant => $"demo-tenant-{Run}";

    /// <summary>The repository's docs/dashboard folder, where the tests write the README's screenshots.</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public async ValueTask InitializeAsync()
    {
        string connectionString = await MeteringDatabase.CreateAsync(postgres, "dashboard");
        string clusterId = $"dash-{Run}";
        int siloHttp = FreePort.Next();
        _silo = AppProcess.Start("silo", "silo", new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = connectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, $"--urls=http://127.0.0.1:{siloHttp}");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await _silo.WaitReadyAsync(probe, $"http://127.0.0.1:{siloHttp}/readyz", StartTimeout);

        ApiUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        _api = AppProcess.Start("client-api", "client-api", new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = connectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Metering__ApiKeys__ops__Key"] = AdminKey,
            ["Metering__ApiKeys__ops__Scopes"] = "relay,admin",
            ["Metering__ApiKeys__relay__Key"] = RelayKey,
            ["Metering__ApiKeys__relay__Scopes"] = "relay",
        }, $"--urls={ApiUrl}");
        await _api.WaitReadyAsync(probe, new Uri(ApiUrl, "/readyz").ToString(), StartTimeout);

        Admin = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await SeedAsync(connectionString);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in CI Chromium needs --no-sandbox; the rest keep it off the (closed) network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own session storage) and page at the given size.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = ApiUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = "UTC",
            Locale = "en-US",
        });
        return await context.NewPageAsync();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Admin.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        Admin?.Dispose();
    }

    // The README's demo, through the API: an install with a reservation, a pool with a limit and
    // a committed call, a port past its soft cap and one below it, a tenant with usage events.
    private async Task SeedAsync(string connectionString)
    {
        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (HttpMethod, string, string)[] calls =
        [
            (HttpMethod.Post, $"/v1/installs/{Install}/reservations", """{"requestId":"req-1","tier":"core","hasHardware":false,"credits":3}"""),
            (HttpMethod.Post, $"/v1/installs/{Install}/reservations/req-1/commit", "{}"),
            (HttpMethod.Post, $"/v1/installs/{Install}/reservations", """{"requestId":"req-2","tier":"core","hasHardware":true,"credits":2,"ttlSeconds":3600}"""),
            (HttpMethod.Put, $"/v1/admin/pools/{Pool}", """{"limitMicros":5000000}"""),
            (HttpMethod.Post, $"/v1/pools/{Pool}/reservations", """{"requestId":"call-1","reserveMicros":20000,"usageType":"chat"}"""),
            (HttpMethod.Post, $"/v1/pools/{Pool}/reservations/call-1/commit", """{"actualMicros":15000,"promptTokens":120,"completionTokens":300,"model":"gpt-x"}"""),
            (HttpMethod.Post, $"/v1/pools/{Pool}/usage", """{"requestId":"free-1","usageType":"summary","costMicros":900,"promptTokens":50,"completionTokens":20,"model":"small"}"""),
            (HttpMethod.Put, $"/v1/ports/{Port}/budget", """{"enabled":true,"softCapTokens":1000,"hardCapTokens":5000,"period":"month"}"""),
            (HttpMethod.Post, $"/v1/ports/{Port}/usage", """{"requestId":"use-1","inputTokens":900,"outputTokens":300,"provider":"openai","model":"m","feature":"chat"}"""),
            (HttpMethod.Post, $"/v1/ports/{Port}/usage", """{"requestId":"use-2","inputTokens":100,"outputTokens":50,"provider":"openai","model":"m","feature":"search"}"""),
            (HttpMethod.Put, $"/v1/ports/{QuietPort}/budget", """{"enabled":true,"softCapTokens":1000,"hardCapTokens":5000}"""),
            (HttpMethod.Post, "/v1/usage-events/batch", $$"""
                {"events":[
                  {"gatewayRequestId":"gw-1","tenantId":"{{Tenant}}","deploymentId":"prod","occurredAt":"{{yesterday}}T10:00:00Z","inputTokens":1000,"outputTokens":200,"customerCharge":"0.0150"},
                  {"gatewayRequestId":"gw-2","tenantId":"{{Tenant}}","deploymentId":"prod","occurredAt":"{{today}}T00:30:00Z","inputTokens":500,"outputTokens":100,"customerCharge":"0.0075"},
                  {"gatewayRequestId":"gw-3","tenantId":"{{Tenant}}","deploymentId":"staging","occurredAt":"{{today}}T00:40:00Z","inputTokens":10,"outputTokens":10,"customerCharge":"0.0001"}]}
                """),
        ];
        foreach (var (method, path, json) in calls)
        {
            using var response = await SendAsync(method, path, json);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"seeding {method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        // Many accounts, to check the views at that size: written as the pool grain would store them
        // (ledger_account rows; their ids sort after the demo's). Faster than 10,000 requests.
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO ledger_account (kind, account_id, version, state, updated_at) " +
            "SELECT 'pool', 'load-' || lpad(i::text, 5, '0'), 1, " +
            "  jsonb_build_object('limitMicros', 1000000, 'usedMicros', (i * 37) % 1000000, 'auditSequence', 0, 'lastActiveAt', null), now() " +
            "FROM generate_series(1, $1) AS i", db);
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SeededPools });
        await insert.ExecuteNonQueryAsync();
    }

    private static string FindScreenshotFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metering.sln")))
            {
                string folder = Path.Combine(dir.FullName, "docs", "dashboard");
                Directory.CreateDirectory(folder);
                return folder;
            }
        }

        throw new InvalidOperationException("the repository root (Metering.sln) was not found above " + AppContext.BaseDirectory);
    }
}
