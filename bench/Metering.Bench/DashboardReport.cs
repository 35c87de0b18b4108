using System.Text;

namespace Metering.Bench;

/// <summary>
/// The dashboard scenario's section of docs/benchmarks.md. Like the http section it says where
/// and how it was measured itself, because a run of <c>--scenario dashboard</c> replaces only this
/// section and leaves the rest of the file, measured at other times, as it was.
/// </summary>
internal static class DashboardReport
{
    /// <summary>The section's heading: <see cref="MarkdownSection.Replace"/> finds the section by it.</summary>
    public const string Heading = "## Dashboard views in a browser";

    public static string Render(RunInfo run, DashboardFigures? figures)
    {
        var md = new StringBuilder();
        md.AppendLine(Heading);
        md.AppendLine();
        if (figures is null)
        {
            md.AppendLine($"{MarkdownSection.NotRun} (`--scenario all` or `dashboard` runs it).");
            return md.ToString();
        }

        md.AppendLine($"Measured by `{run.Command}` on {run.StartedAt:yyyy-MM-dd HH:mm} UTC (commit {run.Commit}; {run.Cores} cores, {run.Cpu}, " +
            $"{run.Memory} memory; 1-minute load average {run.LoadAverage}; PostgreSQL {run.Server.Version}, {run.Server.Describe()}; {run.Runtime}).");
        md.AppendLine();
        md.AppendLine($"The admin dashboard (`/admin/`) as it is deployed: a silo process and a client-api process started from their Release dlls " +
            $"on a database of their own in the benchmark's PostgreSQL, on loopback ports, with {figures.Accounts:N0} accounts of each kind that has " +
            $"a list view, made through the public HTTP API ({DashboardAccounts.Connections} requests at a time, every answer 200 or 201):");
        md.AppendLine();
        md.AppendLine("| kind | accounts | each has | requests | seconds | requests/s |");
        md.AppendLine("|---|---:|---|---:|---:|---:|");
        foreach (var s in figures.Setup)
        {
            md.AppendLine($"| {RelayRequests.For(s.Kind).Route} | {s.Accounts:N0} | {DashboardAccounts.Describe(s.Kind)} | {s.Requests:N0} | " +
                $"{s.Elapsed.TotalSeconds:N1} | {s.RequestsPerSecond:N0} |");
        }

        md.AppendLine();
        md.AppendLine($"The browser is {figures.Browser}, on the same cores as the silo, client-api and PostgreSQL, at 1280 × 900. " +
            "A figure is the time from the navigation to the view's first table visible (the view draws all its content at once when its " +
            "data has arrived), timed by the benchmark around Playwright's calls, so it includes a few milliseconds of Playwright's own " +
            "messages. After each load, untimed, the view must show the scenario's accounts (the first account of the list, the account " +
            "after the cursor, the pool's committed call, the silo on the overview), or the run stops. \"Sign-in\": in a fresh tab, " +
            "from pressing Sign in (the key typed) to the overview's first table; the page checks the key with the API, then asks for the " +
            "overview. \"Page load\": the view's address opened in a signed-in tab coming from a blank page, so the page itself (HTML, " +
            "CSS, script, served `no-cache` and revalidated) loads before the view's data. \"In page\": from the reservation look-up " +
            "(a view with no request of its own) of the open page, the address's hash set to the view's, as a link does. Each view and " +
            $"way got one untimed warm-up, then {figures.Runs} timed load{(figures.Runs == 1 ? "" : "s")}, going round all of them in turn. " +
            "Median by nearest rank.");
        md.AppendLine();
        md.AppendLine("| view | address | reached by | loads | median ms | max ms |");
        md.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var t in figures.Timings)
        {
            string reached = t.Opening switch
            {
                ViewOpening.SignIn => "sign-in",
                ViewOpening.PageLoad => "page load",
                _ => "in page",
            };
            md.AppendLine($"| {t.View.Name} | `/admin/{t.View.Hash}` | {reached} | {t.Ms.Count} | **{t.MedianMs:N0}** | {t.MaxMs:N0} |");
        }

        md.AppendLine();
        var first = figures.FirstView;
        string met = Verdict(figures.FirstViewTargetMet);
        md.AppendLine("| target | figure | verdict |");
        md.AppendLine("|---|---|---|");
        md.AppendLine($"| first view under {DashboardFigures.FirstViewTarget.TotalSeconds:N0} s with {DashboardFigures.TargetAccounts:N0} accounts " +
            $"(the overview after signing in, by its median) | median {first.MedianMs:N0} ms, max {first.MaxMs:N0} ms, with {figures.Accounts:N0} accounts of each kind | " +
            $"{(figures.FirstViewTargetMet == true ? met : $"**{met}**")} |");
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>The target's verdict; "not judged" when the run had fewer accounts than the target names.</summary>
    public static string Verdict(bool? met) => met switch
    {
        true => "met",
        false => "not met",
        null => $"not judged (fewer than {DashboardFigures.TargetAccounts:N0} accounts of each kind)",
    };
}
