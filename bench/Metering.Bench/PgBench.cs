using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// Runs pgbench, PostgreSQL's own load generator (in C: its CPU per request is small next to the
/// server's), on a custom script against the benchmark's database.
/// The flags, and why:
/// <list type="bullet">
/// <item><c>-n</c>: no VACUUM of pgbench's own tables (there are none).</item>
/// <item><c>-M prepared</c>: each statement parsed and planned once per connection, as Npgsql's auto-prepare does for the grains.</item>
/// <item><c>-c N -j 2</c>: N connections, kept open for the whole run (no backend ends inside a phase), on two threads (two cores).</item>
/// <item><c>-T S</c>: S seconds; a client ends after the transaction under way.</item>
/// <item><c>-D step=0 -D n=0 -D base=B</c>: the script's per-client variables (<see cref="PlainSqlLifecycle.Script"/>).</item>
/// <item><c>--log</c>: one line per transaction with its latency, for percentiles and per-client counts.</item>
/// <item><c>-h 127.0.0.1</c>: TCP over loopback, as the silo's Npgsql uses, not the unix socket.</item>
/// </list>
/// A run that reports errors, or exits non-zero, fails the benchmark: the baseline must be sound.
/// </summary>
internal sealed partial class PgBench(string executable, NpgsqlConnectionStringBuilder target, string workDir)
{
    /// <summary>pgbench's two threads (-j): the machine's two cores; fewer when there are fewer clients.</summary>
    private const int Threads = 2;

    /// <summary>Beyond the run's own seconds: connecting 64 clients and writing logs take well under this.</summary>
    private static readonly TimeSpan Overrun = TimeSpan.FromSeconds(60);

    /// <summary>pgbench of the server's major version if installed (Debian: /usr/lib/postgresql/N/bin), else the one on PATH.</summary>
    public static PgBench Find(string serverVersion, string connectionString, string workDir)
    {
        string major = serverVersion.Split('.', ' ')[0];
        string versioned = $"/usr/lib/postgresql/{major}/bin/pgbench";
        return new PgBench(File.Exists(versioned) ? versioned : "pgbench", new NpgsqlConnectionStringBuilder(connectionString), workDir);
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="clients"/> connections for <paramref name="seconds"/> seconds.</summary>
    /// <param name="name">A file-name-safe name for the run's script and log files.</param>
    /// <param name="requestIdBase">The run's requestId base (<see cref="PlainSqlLifecycle.RunStride"/> apart between runs).</param>
    public async Task<PgBenchRun> RunAsync(string name, string script, int clients, int seconds, long requestIdBase, CancellationToken ct)
    {
        string scriptPath = Path.Combine(workDir, name + ".sql");
        string logPrefix = Path.Combine(workDir, name + ".log");
        await File.WriteAllTextAsync(scriptPath, script, ct);
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir,
        };
        string[] args =
        [
            "-n", "-M", "prepared",
            "-c", Invariant(clients), "-j", Invariant(Math.Min(Threads, clients)),
            "-T", Invariant(seconds),
            "-f", scriptPath,
            "-D", "step=0", "-D", "n=0", "-D", $"base={Invariant(requestIdBase)}",
            "--log", $"--log-prefix={logPrefix}",
            "-h", target.Host ?? "127.0.0.1", "-p", Invariant(target.Port), "-U", target.Username ?? "postgres",
            target.Database ?? "metering",
        ];
        foreach (string arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Never let a PGOPTIONS or PGHOST of the caller's environment change what is measured.
        foreach (string variable in (string[])["PGOPTIONS", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE"])
        {
            startInfo.Environment.Remove(variable);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {executable}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(seconds) + Overrun);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"pgbench {name} did not finish within {seconds} s + {Overrun.TotalSeconds:0} s");
        }

        string output = await stdout;
        string errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench {name} exited with status {process.ExitCode}:\n{errors}\n{output}");
        }

        var run = Parse(name, output, logPrefix);
        if (run.Failed > 0)
        {
            throw new InvalidOperationException($"pgbench {name} reported {run.Failed} failed transactions:\n{errors}\n{output}");
        }

        return run;
    }

    private static PgBenchRun Parse(string name, string output, string logPrefix)
    {
        long processed = long.Parse(Match(ProcessedLine(), output, name), CultureInfo.InvariantCulture);
        double tps = double.Parse(Match(TpsLine(), output, name), CultureInfo.InvariantCulture);
        long failed = FailedLine().Match(output) is { Success: true } f ? long.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us; one file per thread.
        var latencies = new List<double>();
        var perClient = new Dictionary<int, long>();
        string dir = Path.GetDirectoryName(logPrefix)!;
        foreach (string file in Directory.EnumerateFiles(dir, Path.GetFileName(logPrefix) + ".*"))
        {
            foreach (string line in File.ReadLines(file))
            {
                string[] fields = line.Split(' ');
                if (fields.Length < 3 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long micros))
                {
                    continue;
                }

                int client = int.Parse(fields[0], CultureInfo.InvariantCulture);
                perClient[client] = perClient.GetValueOrDefault(client) + 1;
                latencies.Add(micros / 1000.0);
            }

            // The logs hold one line per request: read once, they are not kept.
            File.Delete(file);
        }

        return new PgBenchRun(processed, failed, tps > 0 ? TimeSpan.FromSeconds(processed / tps) : TimeSpan.Zero, [.. latencies], perClient);
    }

    private static string Match(Regex pattern, string output, string name) =>
        pattern.Match(output) is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidOperationException($"pgbench {name}: no '{pattern}' in its output:\n{output}");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex ProcessedLine();

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedLine();
}

/// <summary>What one pgbench run reported.</summary>
/// <param name="Transactions">Transactions completed: requests, one each.</param>
/// <param name="Failed">Transactions that failed (pgbench 15 reports them); the benchmark refuses a run with any.</param>
/// <param name="Elapsed">Transactions over pgbench's rate without the connection time: the time the requests took.</param>
/// <param name="LatenciesMs">Every transaction's latency from the log, in milliseconds.</param>
/// <param name="PerClient">Transactions logged per client: a client alternates reserve and commit, so it made ⌈k/2⌉ reserves and ⌊k/2⌋ commits.</param>
internal sealed record PgBenchRun(long Transactions, long Failed, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<int, long> PerClient)
{
    public long Reserves => PerClient.Values.Sum(k => (k + 1) / 2);

    public long Commits => PerClient.Values.Sum(k => k / 2);
}
