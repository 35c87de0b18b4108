using System.Reflection;
using Microsoft.Playwright;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The admin dashboard with many accounts ("first view under 1 s locally with 10,000 accounts"):
/// real silo and client-api processes (Release, <see cref="MeteringCluster"/>) on a database of
/// their own in the benchmark's PostgreSQL, N accounts of each kind with a list view made through
/// the public HTTP API (<see cref="DashboardAccounts"/>), and headless Chromium
/// (<see cref="DashboardBrowser"/>) timing each view (<see cref="DashboardView"/>) from the
/// navigation to its first table visible: the overview by signing in, and every view both opened
/// as an address and reached from another view. Each view and opening gets one untimed warm-up,
/// then the timed loads go round the views in turn, so that a drift of the shared machine weighs on
/// all of them alike. Nothing here fails on speed; the run stops when a process exits, a request
/// of the set-up is refused, or a view does not show its accounts within its bound.
/// </summary>
internal sealed class DashboardBenchmark(NpgsqlDataSource admin, string connectionString, BenchOptions options)
{
    /// <summary>
    /// A database of its own: whatever other scenarios of the run left in the default one (the
    /// http scenario's 10,000 accounts of each kind) would be listed too.
    /// </summary>
    private const string DatabaseName = "metering_dashboard";

    private const string CreateDatabaseSql = "CREATE DATABASE " + DatabaseName;

    public async Task<DashboardFigures> RunAsync(CancellationToken ct)
    {
        DashboardBrowser.ThrowIfMissing();
        string root = RepoRoot.Find();
        string workDir = Directory.CreateTempSubdirectory("metering-bench-dashboard-").FullName;
        bool completed = false;
        try
        {
            if (!options.NoBuild)
            {
                Console.WriteLine("==> dashboard: building silo and client-api (Release)");
                await ReleaseBuild.RunAsync(root, ct);
            }

            await Database.ExecuteAsync(admin, CreateDatabaseSql, ct);
            string own = new NpgsqlConnectionStringBuilder(connectionString) { Database = DatabaseName }.ConnectionString;
            Console.WriteLine($"==> dashboard: starting a silo and a client-api process on database {DatabaseName} (Release dlls; logs in {workDir})");
            await using var cluster = await MeteringCluster.StartAsync(root, own, workDir, ct);

            Console.WriteLine($"==> dashboard: {options.DashboardAccounts:N0} accounts of each kind through the API");
            IReadOnlyList<AccountSetup> setup;
            using (var api = new RelayLoad(cluster.ApiBase, cluster.ApiKey, DashboardAccounts.Connections))
            {
                setup = await DashboardAccounts.CreateAsync(api, options.DashboardAccounts, ct);
            }

            cluster.ThrowIfExited();
            await using var browser = await DashboardBrowser.LaunchAsync(new Uri(cluster.ApiBase, "admin/"), cluster.ApiKey);
            string browserName = $"Chromium {browser.Version} ({DashboardBrowser.ChromiumPath}, headless), driven by Playwright {PlaywrightVersion()}";
            Console.WriteLine($"==> dashboard: {browserName}; one warm-up, then {options.DashboardRuns} timed load(s) of each view");
            var timings = await TimeViewsAsync(browser, DashboardView.All(options.DashboardAccounts), cluster, ct);

            var figures = new DashboardFigures(options.DashboardAccounts, setup, options.DashboardRuns, browserName, timings);
            var first = figures.FirstView;
            Console.WriteLine($"==> dashboard: target (reported, never enforced): first view under {DashboardFigures.FirstViewTarget.TotalSeconds:N0} s " +
                $"with {DashboardFigures.TargetAccounts:N0} accounts: {DashboardReport.Verdict(figures.FirstViewTargetMet)} " +
                $"(sign-in to the overview: median {first.MedianMs:N0} ms, max {first.MaxMs:N0} ms)");
            completed = true;
            return figures;
        }
        catch (PlaywrightException error)
        {
            // Playwright's own exceptions (a step past its bound, Chromium gone) stop the run like any broken step.
            throw new InvalidOperationException($"dashboard: the browser failed: {error.Message}", error);
        }
        finally
        {
            // Kept only when something broke: the logs say what.
            if (completed || ct.IsCancellationRequested)
            {
                Directory.Delete(workDir, recursive: true);
            }
            else
            {
                Console.Error.WriteLine($"bench: dashboard: the processes' logs are kept in {workDir}");
            }
        }
    }

    /// <summary>Every view opened both ways, and the overview by signing in: a warm-up round, then the timed rounds.</summary>
    private async Task<IReadOnlyList<ViewTiming>> TimeViewsAsync(
        DashboardBrowser browser, IReadOnlyList<DashboardView> views, MeteringCluster cluster, CancellationToken ct)
    {
        var overview = views[0];
        var series = new List<(DashboardView View, ViewOpening Opening)> { (overview, ViewOpening.SignIn) };
        series.AddRange(views.Select(v => (v, ViewOpening.PageLoad)));
        series.AddRange(views.Select(v => (v, ViewOpening.InPage)));
        var samples = series.Select(_ => new List<double>()).ToList();

        var page = await browser.NewPageAsync();
        await browser.SignInAsync(page);
        for (int round = 0; round <= options.DashboardRuns; round++)
        {
            bool warmUp = round == 0;
            for (int s = 0; s < series.Count; s++)
            {
                ct.ThrowIfCancellationRequested();
                var (view, opening) = series[s];
                double ms = opening switch
                {
                    ViewOpening.SignIn => await browser.TimeSignInAsync(view),
                    ViewOpening.PageLoad => await browser.TimePageLoadAsync(page, view),
                    _ => await browser.TimeInPageAsync(page, view),
                };
                if (!warmUp)
                {
                    samples[s].Add(ms);
                }
            }

            cluster.ThrowIfExited();
            Console.WriteLine(warmUp
                ? "  warm-up: every view loaded once"
                : $"  round {round} of {options.DashboardRuns}: " + string.Join(", ", series.Select((x, s) => $"{Label(x.View, x.Opening)} {samples[s][^1]:N0} ms")));
        }

        await page.Context.CloseAsync();
        return [.. series.Select((x, s) => new ViewTiming(x.View, x.Opening, samples[s]))];
    }

    private static string Label(DashboardView view, ViewOpening opening) => opening switch
    {
        ViewOpening.SignIn => "sign-in",
        ViewOpening.PageLoad => $"{view.Name} (load)",
        _ => $"{view.Name} (in page)",
    };

    /// <summary>The package's version: its file version (its informational version reads 1.0.0).</summary>
    private static string PlaywrightVersion()
    {
        string? version = typeof(IPlaywright).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version;
        return Version.TryParse(version, out var parsed) ? parsed.ToString(3) : "?";
    }
}
