using System.Globalization;
using System.Text;

namespace Metering.Bench;

/// <summary>
/// The http scenario's section of docs/benchmarks.md. It says where and how it was measured
/// itself (command, date, commit, machine, PostgreSQL), because a run of <c>--scenario http</c>
/// replaces only this section and leaves the rest of the file, measured at other times, as it was.
/// </summary>
internal static class HttpReport
{
    /// <summary>The section's heading: <see cref="MarkdownSection.Replace"/> finds the section by it.</summary>
    public const string Heading = "## Relay lifecycle over HTTP against plain SQL";

    public static string Render(RunInfo run, HttpFigures? figures)
    {
        var md = new StringBuilder();
        md.AppendLine(Heading);
        md.AppendLine();
        if (figures is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `http` runs it).");
            md.AppendLine();
            return md.ToString();
        }

        md.AppendLine($"Measured by `{run.Command}` on {run.StartedAt:yyyy-MM-dd HH:mm} UTC (commit {run.Commit}; {run.Cores} cores, {run.Cpu}, " +
            $"{run.Memory} memory; 1-minute load average {run.LoadAverage}; PostgreSQL {run.Server.Version}, {run.Server.Describe()}).");
        md.AppendLine();
        md.AppendLine("Metering as it is deployed: a silo process and a client-api process started from their Release dlls on the benchmark's " +
            "PostgreSQL, configured as API.md \"Running it\" says, on loopback ports. For each account kind, relays in a closed loop " +
            "each reserve (`POST /v1/{kind}/{id}/reservations`) and, once the `201` is back, commit " +
            "(`POST .../reservations/{requestId}/commit`), with the bodies of API.md, a new requestId each time and the default TTL; " +
            "every `2xx` comes after PostgreSQL committed the change. A request is a reserve or a commit; requests/s counts those that " +
            "succeeded, over the time from a phase's first request to its last answer. The load generator is this benchmark's own " +
            "process: one `HttpClient` (`SocketsHttpHandler`, one pooled keep-alive connection per relay), bodies built from constant " +
            "pieces. The accounts were set up through the API first so that no reserve is refused: pools with a limit of 10^15 " +
            $"micro-USD, installs on tier `{RelayRequests.InstallTier}` with a monthly quota of 10^15 credits, ports with a budget " +
            "enabled and caps of 10^15 tokens; each account was touched once there, so grain activation is not measured.");
        md.AppendLine();
        md.AppendLine("Plain SQL is DESIGN.md's design without Metering, on the same PostgreSQL in the same run, on tables of its own " +
            "(`bench_{kind}_account`, `bench_{kind}_hold`): a reserve is one transaction (update the account row only if the hold fits " +
            "under its cap, insert the hold row only if it did), a commit another (mark the hold committed, move its amount from held " +
            "to used), each one prepared statement in one round trip, with bigint ids and no journal, idempotency check or audit row: " +
            "the cheapest plain SQL can be. pgbench drives it with the same number of connections " +
            $"(`pgbench -n -M prepared -c N -j 2 -T {figures.HalfSeconds} --log`, TCP over loopback); each pgbench transaction is one " +
            "request, a client alternating reserve and commit, and a check of the tables after each run counts a reserve that wrote " +
            "no hold or a commit that found none as a failure.");
        md.AppendLine();
        md.AppendLine($"Each comparison ran in the order plain SQL, Metering, Metering, plain SQL, each half {figures.HalfSeconds} s, after a " +
            $"`CHECKPOINT`; the figures sum both halves. Warm-up: {figures.WarmupSeconds} s per path and workload at " +
            $"{HttpBenchmark.ThroughputConnections} connections, not measured. \"One hot account\": every lifecycle on one account. " +
            $"\"{figures.Accounts:N0} accounts\": each lifecycle on one chosen at random. The hot account keeps every key it saw: past " +
            $"{Metering.GrainInterfaces.Common.Limits.MaxRememberedOutcomes:N0} finished operations (`Limits.MaxRememberedOutcomes`) its new keys " +
            "are also looked up in the journal, so its later phases measure that steady state and longer phases weigh it more. " +
            "Latencies are per request (a reserve or a " +
            "commit alone), nearest rank. CPU is from `/proc`, per 1,000 successful requests: the silo and client-api processes, " +
            "PostgreSQL (the postmaster, its backends, and the backends that ended, which it reaped), and the load generator (this " +
            "process, or pgbench); the silo and client-api columns are blank on plain SQL's rows, which do not use them; \"other work\" is what the rest of the shared machine used meanwhile, in cores.");
        md.AppendLine();
        md.AppendLine("| kind | workload | connections | path | requests | seconds | requests/s | Metering over plain SQL | mean ms | p50 ms | p99 ms | " +
            "requests per transaction | CPU ms per 1,000: silo | client-api | PostgreSQL | load generator | other work, cores | failures |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in figures.Comparisons)
        {
            foreach (var p in new[] { c.Metering, c.Sql })
            {
                bool metering = p == c.Metering;
                md.AppendLine($"| {Route(c.Kind)} | {c.Workload} | {c.Connections} | {p.Label} | {p.Requests:N0} | {p.Elapsed.TotalSeconds:N1} | " +
                    $"**{p.RequestsPerSecond:N0}** | {(metering ? $"**{c.Ratio:N2}×**" : "")} | {p.MeanMs:N2} | {p.P50Ms:N2} | {p.P99Ms:N2} | " +
                    $"{p.RequestsPerTransaction:N1} | {(metering ? Number(p.PerThousand(p.Cpu.Silo)) : "")} | " +
                    $"{(metering ? Number(p.PerThousand(p.Cpu.Api)) : "")} | {Number(p.PerThousand(p.Cpu.Common.Postgres))} | " +
                    $"{Number(p.PerThousand(p.LoadGeneratorCpu))} | {Number(p.Cpu.OtherCores, "N2")} | {p.DescribeFailures()} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Metering's whole lifecycle (reserve sent to commit answered), for reference: " + string.Join("; ", figures.Comparisons.Select(c =>
            $"{Route(c.Kind)}, {c.Workload}, {c.Connections} connections: p50 {Percentiles.Of(c.Metering.LifecycleLatenciesMs, 50):N1} ms, " +
            $"p99 {c.Metering.LifecycleP99Ms ?? 0:N1} ms")) + ".");
        md.AppendLine();
        md.AppendLine($"Peak resident memory over the whole run (`VmHWM`): {figures.PeakMemory}.");
        md.AppendLine();
        md.AppendLine("| kind | target | figure | verdict |");
        md.AppendLine("|---|---|---|---|");
        foreach (var check in HttpTargets.Check(figures))
        {
            md.AppendLine($"| {Route(check.Kind)} | {check.Target} | {check.Figure} | {(check.Met == true ? check.Verdict : $"**{check.Verdict}**")} |");
        }

        md.AppendLine();
        return md.ToString();
    }

    private static string Route(AccountKind kind) => RelayRequests.For(kind).Route;

    private static string Number(double? value, string format = "N0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
