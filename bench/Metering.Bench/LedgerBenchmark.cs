using Metering.GrainInterfaces.Common;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// Reserves on the install ledger against the plain SQL design of DESIGN.md ("The write path of
/// one account"): the same closed-loop callers reserve 1 credit per call through
/// <see cref="ReserveClient"/> (the grain path) and through <see cref="PlainSqlReserver"/> (one
/// transaction per reserve), on one hot account and on many cold ones. Each workload runs in
/// ABBA order (baseline, grain, grain, baseline; each half of the reserves) so that a drift of
/// the shared machine weighs on both paths alike. The grains are measured as they are: nothing
/// here tunes them.
/// </summary>
internal sealed class LedgerBenchmark(IGrainFactory grains, NpgsqlDataSource admin, string connectionString, CpuMeter cpu, BenchOptions options)
{
    /// <summary>
    /// Reserves one hot account takes before the workload moves on to a fresh one. These holds
    /// never expire during the run, and an account may have at most
    /// <see cref="Limits.MaxOpenHoldsPerAccount"/> (8,192) open ones; below that bound, every
    /// reserve is a new hold and never a 429. The move is the same on both paths, so at any moment
    /// (but for the few calls in flight at a move) every caller reserves on the same account.
    /// </summary>
    public const int HotReservesPerAccount = 8_000;

    /// <summary>Reserves of the hot warm-up on each path: JIT, pools, the tier-quotas grain, statement preparation.</summary>
    private const int HotWarmup = 3_000;

    private const string Unit = "reserves";

    private readonly ReserveClient _grain = new(grains);

    public async Task<LedgerFigures> RunAsync(CancellationToken ct)
    {
        await using var sql = await PlainSqlReserver.CreateAsync(admin, connectionString, options.LedgerCallers, ct);
        var hot = await HotAsync(sql, ct);
        var cold = await ColdAsync(sql, ct);
        return new LedgerFigures(hot, cold);
    }

    private async Task<LedgerComparison> HotAsync(PlainSqlReserver sql, CancellationToken ct)
    {
        long half = Math.Max(1, options.HotReserves / 2);
        Console.WriteLine($"==> reserves on one hot account: {options.LedgerCallers} concurrent callers, 1 credit per call, " +
            $"grain vs plain SQL, {2 * half:N0} reserves each (a fresh account every {HotReservesPerAccount:N0}), " +
            "in the order baseline, grain, grain, baseline");

        static string Account(string phase, long i) => $"bench-{phase}-a{i / HotReservesPerAccount:D4}";

        static IEnumerable<string> Accounts(string phase, long count) =>
            Enumerable.Range(0, (int)((count + HotReservesPerAccount - 1) / HotReservesPerAccount)).Select(s => Account(phase, (long)s * HotReservesPerAccount));

        Task<LoadRun> Sql(string phase, string label, long count) =>
            SqlLoopAsync(sql, label, phase, count, (i, _) => Account(phase, i), ct);

        Task<LoadRun> Grain(string phase, string label, long count) =>
            GrainLoopAsync(label, phase, count, (i, _) => Account(phase, i), ct);

        // The baseline's account rows exist before its phases start (a grain's row is written by its first flush).
        long warmup = Math.Min(half, HotWarmup);
        await sql.SeedAsync([.. Accounts("hot-sql-warm", warmup), .. Accounts("hot-sql-1", half), .. Accounts("hot-sql-2", half)], ct);
        await Sql("hot-sql-warm", "plain SQL warm-up", warmup);
        await Grain("hot-grain-warm", "grain warm-up", warmup);

        var sql1 = await MeasureAsync(false, () => Sql("hot-sql-1", "hot, plain SQL (1/2)", half), ct);
        var grain1 = await MeasureAsync(true, () => Grain("hot-grain-1", "hot, grain (1/2)", half), ct);
        var grain2 = await MeasureAsync(true, () => Grain("hot-grain-2", "hot, grain (2/2)", half), ct);
        var sql2 = await MeasureAsync(false, () => Sql("hot-sql-2", "hot, plain SQL (2/2)", half), ct);
        return Comparison("one hot account", 1, grain1.Plus(grain2), sql1.Plus(sql2));
    }

    private async Task<LedgerComparison> ColdAsync(PlainSqlReserver sql, CancellationToken ct)
    {
        int accounts = options.LedgerAccounts;
        long half = Math.Max(1, options.ColdReserves / 2);
        Console.WriteLine($"==> reserves on many cold accounts: {options.LedgerCallers} concurrent callers, each reserve on a random one of " +
            $"{accounts:N0} accounts, grain vs plain SQL, {2 * half:N0} reserves each, in the order baseline, grain, grain, baseline");

        string[] ids = [.. Enumerable.Range(0, accounts).Select(n => $"bench-cold-a{n:D6}")];
        await sql.SeedAsync(ids, ct);

        // Warm-up: one reserve on every account, on both paths, so every install grain is active
        // (activation is not what is measured) and every account row has been read once.
        Console.WriteLine($"  warm-up: one reserve on each of the {accounts:N0} accounts on both paths (activates every install grain)");
        await SqlLoopAsync(sql, "plain SQL warm-up", "cold-sql-warm", accounts, (i, _) => ids[i % accounts], ct);
        await GrainLoopAsync("grain warm-up", "cold-grain-warm", accounts, (i, _) => ids[i % accounts], ct);

        Func<long, int, string> Random(string phase)
        {
            // One generator per caller, seeded the same in every run; a caller makes one call at a time.
            var random = Enumerable.Range(0, options.LedgerCallers).Select(c => new Random(Seed(phase, c))).ToArray();
            return (_, caller) => ids[random[caller].Next(accounts)];
        }

        var sql1 = await MeasureAsync(false, () => SqlLoopAsync(sql, "cold, plain SQL (1/2)", "cold-sql-1", half, Random("cold-sql-1"), ct), ct);
        var grain1 = await MeasureAsync(true, () => GrainLoopAsync("cold, grain (1/2)", "cold-grain-1", half, Random("cold-grain-1"), ct), ct);
        var grain2 = await MeasureAsync(true, () => GrainLoopAsync("cold, grain (2/2)", "cold-grain-2", half, Random("cold-grain-2"), ct), ct);
        var sql2 = await MeasureAsync(false, () => SqlLoopAsync(sql, "cold, plain SQL (2/2)", "cold-sql-2", half, Random("cold-sql-2"), ct), ct);
        return Comparison($"{accounts:N0} cold accounts", accounts, grain1.Plus(grain2), sql1.Plus(sql2));
    }

    private static LedgerComparison Comparison(string workload, int accounts, LedgerPath grain, LedgerPath sql)
    {
        var comparison = new LedgerComparison(
            workload, accounts, grain with { Run = grain.Run with { Label = "grain" } }, sql with { Run = sql.Run with { Label = "plain SQL" } });
        Console.WriteLine($"  {workload}: grain {comparison.Grain.Run.EventsPerSecond:N0} reserves/s, plain SQL {comparison.Sql.Run.EventsPerSecond:N0} reserves/s: " +
            $"grain over plain SQL {comparison.Ratio:N2}×");
        return comparison;
    }

    /// <summary>
    /// Reserves through the install grains. <paramref name="account"/> picks the account of the
    /// <c>i</c>th reserve of the phase (0-based, in the order the callers claim them) for a caller.
    /// </summary>
    private Task<LoadRun> GrainLoopAsync(string label, string phase, long count, Func<long, int, string> account, CancellationToken ct) =>
        LoopAsync(label, phase, count, account, _grain.ReserveAsync, ct);

    private Task<LoadRun> SqlLoopAsync(PlainSqlReserver sql, string label, string phase, long count, Func<long, int, string> account, CancellationToken ct) =>
        LoopAsync(label, phase, count, account, async (a, r, token) =>
        {
            await sql.ReserveAsync(a, r, token);
            return 0;
        },
        ct);

    private Task<LoadRun> LoopAsync(
        string label, string phase, long count, Func<long, int, string> account, Func<string, string, CancellationToken, Task<int>> reserve, CancellationToken ct)
    {
        long next = 0;
        return ClosedLoop.RunAsync(
            label, Unit, options.LedgerCallers, count, 1, options.PhaseLimit,
            (caller, _, token) =>
            {
                // Every call claims the next index: exactly `count` of them, each requestId new.
                long i = Interlocked.Increment(ref next) - 1;
                return reserve(account(i, caller), $"{phase}-r{i}", token);
            },
            ct);
    }

    /// <summary>A measured phase: checkpoint, run, transactions, CPU time and (on the grain path) the flushes.</summary>
    private async Task<LedgerPath> MeasureAsync(bool grainPath, Func<Task<LoadRun>> run, CancellationToken ct)
    {
        using var flushes = grainPath ? new FlushListener() : null;
        CpuUse? use = null;
        var result = await Phase.MeasureAsync(
            admin,
            async () =>
            {
                var before = cpu.Sample();
                var r = await run();
                use = before.Until(cpu.Sample());
                return r;
            },
            ct);
        var path = new LedgerPath(result, use!, flushes?.Stats());
        Console.WriteLine($"    CPU per 1,000 reserves: this process {Ms(CpuUse.PerThousand(path.Cpu.Process, result.Events))}, " +
            $"PostgreSQL {Ms(CpuUse.PerThousand(path.Cpu.Postgres, result.Events))}; other work {Cores(path.Cpu.OtherCores)}");
        if (path.Flushes is { } f)
        {
            Console.WriteLine($"    flushes: {f.Summary(result)}");
        }

        return path;
    }

    public static string Ms(double? ms) => ms is { } v ? $"{v:N0} ms" : "n/a";

    public static string Cores(double? cores) => cores is { } v ? $"{v:N2} cores" : "n/a";

    /// <summary>A seed that is the same in every run (string.GetHashCode is not).</summary>
    private static int Seed(string phase, int caller) => phase.Aggregate(17, (h, c) => unchecked((h * 31) + c)) ^ caller;
}
