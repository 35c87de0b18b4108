using System.Diagnostics;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// Invoice query time against the number of events: tenant S with 10^4 events and tenant L with
/// 10^6, both in the same 30 days and 10 deployments, loaded through the ingest grain. The two
/// tenants' queries alternate, so noise falls on both alike. Timed twice: right after the load
/// (the rollup rows carry the dead versions of every upsert until autovacuum runs) and after a
/// VACUUM ANALYZE of the rollups. Also checks both invoices against what was sent.
/// </summary>
internal sealed class InvoiceBenchmark(IGrainFactory grains, IngestClient ingest, NpgsqlDataSource admin, BenchOptions options)
{
    private const string SmallTenant = "bench-invoice-small";
    private const string LargeTenant = "bench-invoice-large";
    private const int WarmupRuns = 10;

    private readonly IInvoiceGrain _invoices = grains.GetGrain<IInvoiceGrain>(0);

    public async Task<InvoiceFigures> RunAsync(CancellationToken ct)
    {
        int callers = options.BatchCallers.Max();
        Console.WriteLine($"==> invoice query: loading {options.InvoiceSmallEvents:N0} events for S and {options.InvoiceLargeEvents:N0} for L " +
            $"through the ingest grain ({callers} callers, calls of {Limits.MaxEventsPerBatch:N0})");
        var totals = new UsageTotals();
        var smallLoad = await LoadAsync(SmallTenant, "load S", options.InvoiceSmallEvents, callers, totals, ct);
        var largeLoad = await LoadAsync(LargeTenant, "load L", options.InvoiceLargeEvents, callers, totals, ct);

        var small = new TenantCheck(SmallTenant, smallLoad.Events, await Database.RollupRowsAsync(admin, SmallTenant, ct));
        var large = new TenantCheck(LargeTenant, largeLoad.Events, await Database.RollupRowsAsync(admin, LargeTenant, ct));
        small = small with { Mismatch = await VerifyAsync(SmallTenant, totals) };
        large = large with { Mismatch = await VerifyAsync(LargeTenant, totals) };
        foreach (var t in new[] { small, large })
        {
            Console.WriteLine($"  invoice of {t.Tenant}: {(t.Mismatch is null ? "OK" : "MISMATCH: " + t.Mismatch)} " +
                $"({t.Events:N0} events, {t.RollupRows:N0} rollup rows, {totals.TotalCents(t.Tenant):N0} cents)");
        }

        var asLoaded = await TimeAsync("as loaded", ct);
        Console.WriteLine("  VACUUM ANALYZE usage_rollup_day");
        await Database.ExecuteAsync(admin, "VACUUM ANALYZE usage_rollup_day", ct);
        var vacuumed = await TimeAsync("after VACUUM ANALYZE", ct);
        return new InvoiceFigures(small, large, largeLoad, [asLoaded, vacuumed]);
    }

    private async Task<LoadRun> LoadAsync(string tenant, string label, long events, int callers, UsageTotals totals, CancellationToken ct)
    {
        var generators = Enumerable.Range(0, callers).Select(c => new UsageEventGenerator([tenant], $"c{c}", 4_242 + c)).ToArray();
        var run = await Phase.MeasureAsync(
            admin,
            () => ClosedLoop.RunAsync(
                label, callers, events, Limits.MaxEventsPerBatch, options.PhaseLimit,
                (caller, count, token) => ingest.SendAsync(generators[caller].NextBatch(count), token), ct),
            ct);
        if (run.CutShort)
        {
            throw new TimeoutException($"{label} did not finish within {options.PhaseLimit.TotalSeconds:0} s; raise --phase-seconds or lower --events");
        }

        foreach (var g in generators)
        {
            totals.Add(g.Totals);
        }

        return run;
    }

    private async Task<string?> VerifyAsync(string tenant, UsageTotals totals)
    {
        var result = await _invoices.GetInvoiceLines(tenant, BenchMonth.First, BenchMonth.Last);
        return result.Outcome != Outcome.Ok ? $"the invoice answered {result.Outcome}" : totals.Compare(tenant, result.Lines);
    }

    private async Task<InvoiceTiming> TimeAsync(string label, CancellationToken ct)
    {
        Console.WriteLine($"  timing invoices {label}: {WarmupRuns} warm-up and {options.InvoiceRuns} timed queries per tenant, alternating");
        for (int i = 0; i < WarmupRuns; i++)
        {
            await QueryMsAsync(SmallTenant);
            await QueryMsAsync(LargeTenant);
        }

        var small = new List<double>(options.InvoiceRuns);
        var large = new List<double>(options.InvoiceRuns);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < options.InvoiceRuns && clock.Elapsed < options.PhaseLimit; i++)
        {
            ct.ThrowIfCancellationRequested();
            small.Add(await QueryMsAsync(SmallTenant));
            large.Add(await QueryMsAsync(LargeTenant));
        }

        var timing = new InvoiceTiming(label, [.. small], [.. large]);
        Console.WriteLine($"    S median {timing.SmallMedianMs:N2} ms, p95 {timing.SmallP95Ms:N2} ms; " +
            $"L median {timing.LargeMedianMs:N2} ms, p95 {timing.LargeP95Ms:N2} ms; L/S {timing.Ratio:N2}");
        return timing;
    }

    private async Task<double> QueryMsAsync(string tenant)
    {
        long start = Stopwatch.GetTimestamp();
        var result = await _invoices.GetInvoiceLines(tenant, BenchMonth.First, BenchMonth.Last);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (result.Outcome != Outcome.Ok || result.Lines.Count == 0)
        {
            throw new InvalidOperationException($"the invoice of {tenant} answered {result.Outcome} with {result.Lines.Count} lines");
        }

        return ms;
    }
}
