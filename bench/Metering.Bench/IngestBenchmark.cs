using Metering.GrainInterfaces.Common;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// Ingest throughput: batch calls through the ingest grain, then single-event calls through the
/// grain against the one-row-per-transaction baseline on the same database, in ABBA order
/// (baseline, grain, grain, baseline) so that a drift of the machine during the run weighs on
/// both sides alike.
/// </summary>
internal sealed class IngestBenchmark(IngestClient ingest, NpgsqlDataSource admin, string connectionString, BenchOptions options)
{
    /// <summary>Tenants per phase. Many, so the baseline's concurrent rollup upserts rarely wait on one row.</summary>
    private const int TenantsPerPhase = 16;

    private const int WarmupCallsPerCaller = 5;

    public async Task<IngestFigures> RunAsync(CancellationToken ct)
    {
        var batch = new List<LoadRun>();
        foreach (int callers in options.BatchCallers)
        {
            batch.Add(await BatchAsync(callers, ct));
        }

        var (grain, sql) = await SingleAsync(ct);
        return new IngestFigures(batch, grain, sql);
    }

    private async Task<LoadRun> BatchAsync(int callers, CancellationToken ct)
    {
        int size = Limits.MaxEventsPerBatch;
        Console.WriteLine($"==> batch ingest: {options.BatchEvents:N0} events in calls of {size:N0}, {callers} concurrent callers");
        await BatchLoopAsync($"batch warm-up, {callers} callers", $"warm-batch{callers}", callers, callers * WarmupCallsPerCaller * size, ct);
        return await Phase.MeasureAsync(
            admin, () => BatchLoopAsync($"batch, {callers} callers", $"batch{callers}", callers, options.BatchEvents, ct), ct);
    }

    private Task<LoadRun> BatchLoopAsync(string label, string phase, int callers, long events, CancellationToken ct)
    {
        var tenants = Phase.Tenants(phase, TenantsPerPhase);
        var generators = Enumerable.Range(0, callers).Select(c => new UsageEventGenerator(tenants, $"c{c}", Seed(phase, c))).ToArray();
        return ClosedLoop.RunAsync(
            label, callers, events, Limits.MaxEventsPerBatch, options.PhaseLimit,
            (caller, count, token) => ingest.SendAsync(generators[caller].NextBatch(count), token), ct);
    }

    private async Task<(LoadRun Grain, LoadRun Sql)> SingleAsync(CancellationToken ct)
    {
        int callers = options.SingleCallers;
        long half = Math.Max(1, options.SingleEvents / 2);
        Console.WriteLine($"==> single-event ingest: {callers} concurrent callers, one event per call; " +
            $"grain vs one row per transaction, {2 * half:N0} events each, in the order baseline, grain, grain, baseline");
        await using var baseline = new RowPerTransactionWriter(connectionString, callers);
        var grainTenants = Phase.Tenants("single-grain", TenantsPerPhase);
        var sqlTenants = Phase.Tenants("single-sql", TenantsPerPhase);
        var grainGenerators = Enumerable.Range(0, callers).Select(c => new UsageEventGenerator(grainTenants, $"g{c}", Seed("single-grain", c))).ToArray();
        var sqlGenerators = Enumerable.Range(0, callers).Select(c => new UsageEventGenerator(sqlTenants, $"s{c}", Seed("single-sql", c))).ToArray();

        Task<LoadRun> Grain(string label, long events) => ClosedLoop.RunAsync(
            label, callers, events, 1, options.PhaseLimit,
            (caller, _, token) => ingest.SendAsync([grainGenerators[caller].Next()], token), ct);

        Task<LoadRun> Sql(string label, long events) => ClosedLoop.RunAsync(
            label, callers, events, 1, options.PhaseLimit,
            async (caller, _, token) =>
            {
                await baseline.WriteAsync(sqlGenerators[caller].Next(), token);
                return 0;
            },
            ct);

        // Warm-up (JIT, connection pools, the grain's activation) on the same tenants: not measured.
        long warmup = Math.Min(half, 10_000);
        await Sql("baseline warm-up", warmup);
        await Grain("grain warm-up", warmup);

        var sql1 = await Phase.MeasureAsync(admin, () => Sql("one row per transaction (1/2)", half), ct);
        var grain1 = await Phase.MeasureAsync(admin, () => Grain("ingest grain (1/2)", half), ct);
        var grain2 = await Phase.MeasureAsync(admin, () => Grain("ingest grain (2/2)", half), ct);
        var sql2 = await Phase.MeasureAsync(admin, () => Sql("one row per transaction (2/2)", half), ct);
        return (grain1.Plus(grain2) with { Label = "ingest grain" }, sql1.Plus(sql2) with { Label = "one row per transaction" });
    }

    /// <summary>A seed that is the same in every run (string.GetHashCode is not).</summary>
    private static int Seed(string phase, int caller) => phase.Aggregate(17, (h, c) => unchecked((h * 31) + c)) ^ caller;
}
