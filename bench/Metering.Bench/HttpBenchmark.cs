using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The relay lifecycle over HTTP against plain SQL (issue #12 item 5). Real silo and client-api
/// processes (Release) on the benchmark's PostgreSQL; for each account kind, a closed loop of
/// relays reserving and then committing through client-api (<see cref="RelayLoad"/>), against the
/// plain SQL design driven by pgbench on the same PostgreSQL (<see cref="PlainSqlLifecycle"/>,
/// <see cref="PgBench"/>). Three comparisons per kind: one hot account at 64 connections (group
/// commit against a row lock), many accounts at 64 (throughput), many accounts at 8 (latency
/// under moderate load). Each comparison runs in ABBA order (plain SQL, Metering, Metering, plain
/// SQL; each half of the phase's time), after a CHECKPOINT per half, so that a drift of the shared
/// machine weighs on both paths alike. Setting the accounts up and the warm-ups are not measured.
/// What breaks the run (an exception): a process that does not start or exits, a setup request
/// not answered 2xx, a request with no HTTP answer, pgbench failing, or a path with no successful
/// request in a half. Non-2xx answers during a measured phase are counted and reported, not fatal.
/// </summary>
internal sealed class HttpBenchmark(NpgsqlDataSource admin, string connectionString, ServerFacts server, BenchOptions options)
{
    /// <summary>Connections for throughput: DESIGN.md's 64 clients.</summary>
    public const int ThroughputConnections = 64;

    /// <summary>Connections for latency under moderate load: an eighth, where neither path queues much.</summary>
    public const int ModerateConnections = 8;

    /// <summary>Concurrent admin requests while setting accounts up (not measured).</summary>
    private const int SetupConnections = 32;

    private static readonly (bool Hot, int Connections)[] Comparisons =
        [(true, ThroughputConnections), (false, ThroughputConnections), (false, ModerateConnections)];

    /// <summary>pgbench runs so far, for each run's requestId base.</summary>
    private long _sqlRuns;

    public async Task<HttpFigures> RunAsync(CancellationToken ct)
    {
        string root = RepoRoot.Find();
        string workDir = Directory.CreateTempSubdirectory("metering-bench-http-").FullName;
        bool completed = false;
        try
        {
            if (!options.NoBuild)
            {
                Console.WriteLine("==> http: building silo and client-api (Release)");
                await ReleaseBuild.RunAsync(root, ct);
            }

            Console.WriteLine($"==> http: starting a silo and a client-api process (Release dlls; logs in {workDir})");
            await using var cluster = await MeteringCluster.StartAsync(root, connectionString, workDir, ct);
            var cpu = new ClusterCpuMeter(await CpuMeter.CreateAsync(admin, ct), cluster.SiloPid, cluster.ApiPid);
            using var load = new RelayLoad(cluster.ApiBase, cluster.ApiKey, ThroughputConnections);
            var session = new Session(cluster, cpu, load, PgBench.Find(server.Version, connectionString, workDir));
            var comparisons = new List<HttpComparison>();
            foreach (var kind in options.Kinds)
            {
                comparisons.AddRange(await KindAsync(session, kind, ct));
            }

            var memory = PeakMemory.Read(cluster.SiloPid, cluster.ApiPid);
            Console.WriteLine($"==> http: peak resident memory over the run: {memory}");
            var figures = new HttpFigures(comparisons, options.HttpAccounts, HalfSeconds, WarmupSeconds, memory);
            Console.WriteLine("==> http: targets (reported, never enforced)");
            foreach (var check in HttpTargets.Check(figures))
            {
                Console.WriteLine($"  {check.Verdict.ToUpperInvariant()}: {RelayRequests.For(check.Kind).Route}, {check.Target}: {check.Figure}");
            }

            completed = true;
            return figures;
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
                Console.Error.WriteLine($"bench: http: the processes' logs and pgbench's scripts are kept in {workDir}");
            }
        }
    }

    /// <summary>Each half of each path: half the phase time, in whole seconds (pgbench's -T), at least 1.</summary>
    private int HalfSeconds => Math.Max(1, (int)Math.Round(options.HttpPhase.TotalSeconds / 2));

    private int WarmupSeconds => Math.Max(1, (int)Math.Round(options.HttpWarmup.TotalSeconds));

    private async Task<List<HttpComparison>> KindAsync(Session session, AccountKind kind, CancellationToken ct)
    {
        var (load, pgbench) = (session.Load, session.PgBench);
        var relay = RelayRequests.For(kind);
        var sql = PlainSqlLifecycle.For(kind);
        int accounts = options.HttpAccounts;
        Console.WriteLine($"==> http, {relay.Route}: the relay lifecycle (reserve, then commit) over HTTP against plain SQL (pgbench), " +
            $"one hot account and {accounts:N0} accounts; {HalfSeconds} s × 2 per path and comparison, ABBA order");
        await sql.CreateAsync(admin, accounts, ct);
        string[] many = [.. Enumerable.Range(1, accounts).Select(relay.AccountId)];
        string[] hot = [relay.HotAccountId];
        await SetUpAsync(load, relay, [.. hot, .. many], ct);

        var clock = Stopwatch.StartNew();
        var warm = TimeSpan.FromSeconds(WarmupSeconds);
        await load.RunAsync(relay, $"{relay.Route}-warm-hot", hot, ThroughputConnections, warm, "warm-up", ct);
        await load.RunAsync(relay, $"{relay.Route}-warm-many", many, ThroughputConnections, warm, "warm-up", ct);
        await pgbench.RunAsync($"{relay.Route}-warm-hot", sql.Script(null), ThroughputConnections, WarmupSeconds, NextBase(), ct);
        await pgbench.RunAsync($"{relay.Route}-warm-many", sql.Script(accounts), ThroughputConnections, WarmupSeconds, NextBase(), ct);
        Console.WriteLine($"  warm-up: {WarmupSeconds} s per path on each workload at {ThroughputConnections} connections ({clock.Elapsed.TotalSeconds:N1} s)");

        var results = new List<HttpComparison>();
        foreach (var (isHot, connections) in Comparisons)
        {
            string[] ids = isHot ? hot : many;
            string script = sql.Script(isHot ? null : accounts);
            string name = $"{relay.Route}-{(isHot ? "hot" : "many")}{connections}";
            string workload = $"{relay.Route}, {(isHot ? "one hot account" : $"{accounts:N0} accounts")}, {connections} connections";
            var sql1 = await MeasureSqlAsync(session, $"{workload}, plain SQL (1/2)", $"{name}-1", sql, script, connections, ct);
            var http1 = await MeasureHttpAsync(session, $"{workload}, Metering (1/2)", $"{name}-1", relay, ids, connections, ct);
            var http2 = await MeasureHttpAsync(session, $"{workload}, Metering (2/2)", $"{name}-2", relay, ids, connections, ct);
            var sql2 = await MeasureSqlAsync(session, $"{workload}, plain SQL (2/2)", $"{name}-2", sql, script, connections, ct);
            var comparison = new HttpComparison(kind, isHot ? 1 : accounts, connections, http1.Plus(http2), sql1.Plus(sql2));
            Console.WriteLine($"  => {workload}: Metering {comparison.Metering.RequestsPerSecond:N0} requests/s, " +
                $"plain SQL {comparison.Sql.RequestsPerSecond:N0} requests/s: {comparison.Ratio:N2}×; p99 {comparison.Metering.P99Ms:N1} ms " +
                $"against {comparison.Sql.P99Ms:N1} ms");
            results.Add(comparison);
        }

        return results;
    }

    /// <summary>Prepares the kind and every account through the admin API (or, for installs, a read): see <see cref="RelayRequests.AccountSetup"/>.</summary>
    private static async Task SetUpAsync(RelayLoad load, RelayRequests relay, string[] accountIds, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (method, path, body) in relay.KindSetup())
        {
            await load.SetupAsync(method, path, body, ct);
        }

        int next = -1;
        async Task Worker()
        {
            for (int i = Interlocked.Increment(ref next); i < accountIds.Length; i = Interlocked.Increment(ref next))
            {
                var (method, path, body) = relay.AccountSetup(accountIds[i]);
                await load.SetupAsync(method, path, body, ct);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, SetupConnections).Select(_ => Worker()));
        Console.WriteLine($"  set up {accountIds.Length:N0} {relay.Route} through the API in {clock.Elapsed.TotalSeconds:N1} s " +
            $"({(relay.Kind == AccountKind.Installs ? $"tier {RelayRequests.InstallTier}'s monthly quota set, each install read once" : "each account's limit set")})");
    }

    private async Task<LifecyclePath> MeasureHttpAsync(
        Session session, string label, string runId, RelayRequests relay, string[] ids, int connections, CancellationToken ct)
    {
        var (run, cpu, transactions) = await MeasureAsync(
            session,
            () => session.Load.RunAsync(relay, runId, ids, connections, TimeSpan.FromSeconds(HalfSeconds), label, ct), ct);
        var path = new LifecyclePath(
            "Metering over HTTP", connections, run.Requests, run.Elapsed, run.RequestLatenciesMs, run.LifecycleLatenciesMs,
            run.Failures, transactions, cpu, LoadGeneratorIsChild: false);
        return Report(label, path);
    }

    private async Task<LifecyclePath> MeasureSqlAsync(
        Session session, string label, string name, PlainSqlLifecycle sql, string script, int connections, CancellationToken ct)
    {
        var (holdsBefore, committedBefore) = await sql.CountHoldsAsync(admin, ct);
        var (run, cpu, transactions) = await MeasureAsync(
            session,
            () => session.PgBench.RunAsync(name, script, connections, HalfSeconds, NextBase(), ct), ct);
        var (holdsAfter, committedAfter) = await sql.CountHoldsAsync(admin, ct);

        // pgbench cannot see how many rows a statement wrote; the tables can. A reserve that
        // inserted no hold was refused; a commit that committed none found no hold.
        long refused = run.Reserves - (holdsAfter - holdsBefore);
        long missed = run.Commits - (committedAfter - committedBefore);
        var failures = new Dictionary<string, long>();
        if (refused != 0)
        {
            failures["reserve wrote no hold"] = refused;
        }

        if (missed != 0)
        {
            failures["commit found no hold"] = missed;
        }

        var path = new LifecyclePath(
            "plain SQL (pgbench)", connections, run.Transactions - Math.Max(0, refused) - Math.Max(0, missed), run.Elapsed,
            run.LatenciesMs, [], failures, transactions, cpu, LoadGeneratorIsChild: true);
        return Report(label, path);
    }

    /// <summary>A measured half: CHECKPOINT, transaction ids and CPU around the run; the processes checked after it.</summary>
    private async Task<(T Run, ClusterCpuUse Cpu, long Transactions)> MeasureAsync<T>(Session session, Func<Task<T>> run, CancellationToken ct)
    {
        await Database.CheckpointAsync(admin, ct);
        long before = await Database.TransactionIdAsync(admin, ct);
        var cpuBefore = session.Cpu.Sample();
        var result = await run();
        var cpu = cpuBefore.Until(session.Cpu.Sample());
        long after = await Database.TransactionIdAsync(admin, ct);
        session.Cluster.ThrowIfExited();
        // Minus one: the first reading's own transaction id.
        return (result, cpu, after - before - 1);
    }

    private static LifecyclePath Report(string label, LifecyclePath path)
    {
        string generator = path.LoadGeneratorIsChild ? "pgbench" : "load generator";
        Console.WriteLine($"  {label}: {path.Requests:N0} requests in {path.Elapsed.TotalSeconds:N1} s = {path.RequestsPerSecond:N0}/s, " +
            $"mean {path.MeanMs:N2} ms, p50 {path.P50Ms:N2} ms, p99 {path.P99Ms:N2} ms, {path.RequestsPerTransaction:N1} per transaction; CPU ms per 1,000: " +
            $"silo {Ms(path.PerThousand(path.Cpu.Silo))}, client-api {Ms(path.PerThousand(path.Cpu.Api))}, " +
            $"PostgreSQL {Ms(path.PerThousand(path.Cpu.Common.Postgres))}, {generator} {Ms(path.PerThousand(path.LoadGeneratorCpu))}; " +
            $"other work {LedgerBenchmark.Cores(path.Cpu.OtherCores)}; failures: {path.DescribeFailures()}");
        if (path.Requests == 0)
        {
            throw new InvalidOperationException($"{label}: no request succeeded ({path.DescribeFailures()}); nothing can be measured");
        }

        return path;
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "n/a";

    private long NextBase() => Interlocked.Increment(ref _sqlRuns) * PlainSqlLifecycle.RunStride;

    /// <summary>What every phase of one run of the scenario uses: the processes, their CPU meter, both load generators.</summary>
    private sealed record Session(MeteringCluster Cluster, ClusterCpuMeter Cpu, RelayLoad Load, PgBench PgBench);
}
