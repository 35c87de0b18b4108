using System.Text;
using Metering.GrainInterfaces.Common;

namespace Metering.Bench;

/// <summary>
/// docs/benchmarks.md, written whole on every run: the fixed "How to read these" text, where the
/// run happened, and one table per benchmark with its target. Scenarios not run say so.
/// </summary>
internal static class MarkdownReport
{
    /// <summary>Read "about the same" invoice time as a median ratio of at most this.</summary>
    public const double InvoiceRatioTarget = 1.5;

    private const string HowToRead =
        """
        ## How to read these

        These figures come from one run on one shared, noisy 2-core machine; another run can differ
        by tens of percent. Trust the ratios measured inside one run (the ingest grain against plain
        SQL on the same PostgreSQL a minute apart, the large tenant's invoice against the small
        one's, query by query) far more than the absolute numbers, and compare absolute numbers only
        between runs on the same machine with the same PostgreSQL settings. Throughput is events per
        second of wall-clock time from a phase's first call to its last answer, and every answer
        comes only after PostgreSQL has committed the events; PostgreSQL, the silo and the callers
        share the same cores. A missed target is shown as missed: benchmarks inform, they never pass
        or fail a build. Every phase starts after a `CHECKPOINT` and a warm-up, is bounded in events
        and in time (a phase cut short by its time limit says so), and "events per transaction" is
        counted from PostgreSQL's transaction ids, so it shows how well concurrent calls were
        gathered into one commit.
        """;

    public static string Render(RunInfo run, IngestFigures? ingest, InvoiceFigures? invoice)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine("<!-- Written whole by bench/Metering.Bench on every run (scripts/bench.sh): change the program, not this file. -->");
        md.AppendLine();
        md.AppendLine(HowToRead);
        md.AppendLine();
        AppendRun(md, run);
        AppendBatch(md, ingest, invoice);
        AppendSingle(md, ingest);
        AppendInvoice(md, invoice);
        return md.ToString();
    }

    private static void AppendRun(StringBuilder md, RunInfo run)
    {
        md.AppendLine("## This run");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| command | `{run.Command}` |");
        md.AppendLine($"| date | {run.StartedAt:yyyy-MM-dd HH:mm} UTC |");
        md.AppendLine($"| commit | {run.Commit} |");
        md.AppendLine($"| machine | {run.Cores} cores (`nproc`), {run.Cpu}, {run.Memory} memory, {run.Os} |");
        md.AppendLine($"| machine load | 1-minute load average {run.LoadAverage} (other work shares these cores) |");
        md.AppendLine($"| PostgreSQL | {run.Server.Version}, a fresh cluster from `scripts/pg-local.sh` on the same machine over 127.0.0.1; {run.Server.Describe()} |");
        md.AppendLine($"| silo | one Orleans silo in the benchmark's process, called through its co-hosted client; {run.Runtime}; Npgsql pool of {run.Server.PoolSize} connections |");
        md.AppendLine();
    }

    private static void AppendBatch(StringBuilder md, IngestFigures? ingest, InvoiceFigures? invoice)
    {
        md.AppendLine("## Batch ingest");
        md.AppendLine();
        if (ingest is null && invoice is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `ingest` runs it).");
            md.AppendLine();
            return;
        }

        md.AppendLine($"Calls of {Limits.MaxEventsPerBatch:N0} events each to `IUsageIngestGrain.Ingest` by a few concurrent callers; " +
            $"the grain gathers them into one multi-row insert plus rollup upsert per flush (at most {Limits.MaxIngestFlushEvents:N0} events). " +
            $"Target: at least {IngestFigures.BatchTarget:N0} events/s.");
        md.AppendLine();
        md.AppendLine("| run | callers | events | seconds | events/s | events per transaction | call median ms | call p95 ms | against the target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        var rows = (ingest?.Batch ?? []).Select(r => ("batch benchmark", r)).ToList();
        if (invoice is not null)
        {
            rows.Add(("loading tenant L of the invoice benchmark", invoice.LargeLoad));
        }

        foreach (var (name, r) in rows)
        {
            md.AppendLine($"| {name} | {r.Callers} | {r.Events:N0} | {r.Elapsed.TotalSeconds:N1} | **{r.EventsPerSecond:N0}** | " +
                $"{r.EventsPerTransaction:N0} | {r.CallMedianMs:N1} | {r.CallP95Ms:N1} | {Verdict(r.EventsPerSecond / IngestFigures.BatchTarget, 1, r)} |");
        }

        md.AppendLine();
    }

    private static void AppendSingle(StringBuilder md, IngestFigures? ingest)
    {
        md.AppendLine("## Single-event ingest against one row per transaction");
        md.AppendLine();
        if (ingest is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `ingest` runs it).");
            md.AppendLine();
            return;
        }

        md.AppendLine($"{ingest.Grain.Callers} concurrent callers, each sending one event per call and waiting for the answer. " +
            "The grain path calls `IUsageIngestGrain.Ingest` with one event; the baseline, on the same PostgreSQL in the same run, " +
            "gives each caller its own connection and writes each event in its own transaction: one prepared statement that inserts the " +
            "event (`ON CONFLICT DO NOTHING`) and upserts its day's rollup row, the effect of `UsageEventStore` for one event. " +
            "The two ran in the order baseline, grain, grain, baseline, each half of the events; the figures are the sums of both halves. " +
            $"Target: the grain at least {IngestFigures.SingleRatioTarget:N0}× the baseline.");
        md.AppendLine();
        md.AppendLine("| path | callers | events | seconds | events/s | events per transaction | call median ms | call p95 ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in new[] { ingest.Grain, ingest.Sql })
        {
            md.AppendLine($"| {r.Label}{(r.CutShort ? " (cut short)" : "")} | {r.Callers} | {r.Events:N0} | {r.Elapsed.TotalSeconds:N1} | " +
                $"**{r.EventsPerSecond:N0}** | {r.EventsPerTransaction:N1} | {r.CallMedianMs:N2} | {r.CallP95Ms:N2} |");
        }

        md.AppendLine();
        md.AppendLine($"Grain over baseline: **{ingest.SingleRatio:N2}×**; target ≥ {IngestFigures.SingleRatioTarget:N0}×: " +
            $"{Verdict(ingest.SingleRatio / IngestFigures.SingleRatioTarget, 1, null)}.");
        md.AppendLine();
    }

    private static void AppendInvoice(StringBuilder md, InvoiceFigures? invoice)
    {
        md.AppendLine("## Invoice query: 10^4 against 10^6 events");
        md.AppendLine();
        if (invoice is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `invoice` runs it).");
            md.AppendLine();
            return;
        }

        md.AppendLine("Tenant S and tenant L have their events in the same 30 days and the same 10 deployments, loaded through the ingest grain. " +
            "`IInvoiceGrain.GetInvoiceLines` for the whole period is timed as a caller sees it (a grain call), S and L alternating, after 10 " +
            "warm-up queries each; once right after loading, once after `VACUUM ANALYZE usage_rollup_day`. Each invoice is also checked " +
            "against the events sent (per deployment: charges summed exactly, × 100, rounded half away from zero; tokens; requests). " +
            $"Target: about the same time for both (read here as L/S of the medians ≤ {InvoiceRatioTarget:N1}).");
        md.AppendLine();
        md.AppendLine("| tenant | events | rollup rows read | invoice against what was sent |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var t in new[] { invoice.Small, invoice.Large })
        {
            md.AppendLine($"| {(t == invoice.Small ? "S" : "L")} `{t.Tenant}` | {t.Events:N0} | {t.RollupRows:N0} | {(t.Mismatch is null ? "OK" : "MISMATCH: " + t.Mismatch)} |");
        }

        md.AppendLine();
        md.AppendLine("| when | queries per tenant | S median ms | S p95 ms | L median ms | L p95 ms | L/S (medians) | against the target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in invoice.Timings)
        {
            string verdict = t.Ratio <= InvoiceRatioTarget ? "met" : "**missed**";
            md.AppendLine($"| {t.Label} | {t.SmallMs.Length} | {t.SmallMedianMs:N2} | {t.SmallP95Ms:N2} | {t.LargeMedianMs:N2} | {t.LargeP95Ms:N2} | **{t.Ratio:N2}** | {verdict} |");
        }

        md.AppendLine();
    }

    /// <summary>"met (1.23×)" or "missed (0.80×)", with a note when the run was cut short.</summary>
    private static string Verdict(double ofTarget, double needed, LoadRun? run)
    {
        string verdict = ofTarget >= needed ? $"met ({ofTarget:N2}× the target)" : $"**missed** ({ofTarget:N2}× the target)";
        return run is { CutShort: true } ? verdict + ", cut short by the time limit" : verdict;
    }
}
