using System.Text;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Retention;

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
        by tens of percent. Trust the ratios measured inside one run (the ingest grain and the
        install grains against plain SQL on the same PostgreSQL a minute apart, the large tenant's
        invoice against the small one's, query by query) far more than the absolute numbers, and
        compare absolute numbers only between runs on the same machine with the same PostgreSQL
        settings. Throughput is events (or reserves) per second of wall-clock time from a phase's
        first call to its last answer, and every answer comes only after PostgreSQL has committed
        the events; PostgreSQL, the silo and the callers share the same cores. A missed target is
        shown as missed: benchmarks inform, they never pass or fail a build. Every phase starts
        after a `CHECKPOINT` and a warm-up, is bounded in events and in time (a phase cut short by
        its time limit says so), and "events per transaction" (or reserves per transaction) is
        counted from PostgreSQL's transaction ids, so it shows how well concurrent calls were
        gathered into one commit.
        """;

    public static string Render(
        RunInfo run, IngestFigures? ingest, LedgerFigures? ledger, InvoiceFigures? invoice, RetentionFigures? retention, HttpFigures? http)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine("<!-- Sections are written by bench/Metering.Bench (scripts/bench.sh): a run replaces the sections of what it ran and keeps the rest (history written by hand, other scenarios' figures). -->");
        md.AppendLine();
        md.AppendLine(HowToRead);
        md.AppendLine();
        AppendRun(md, run);
        AppendBatch(md, ingest, invoice);
        AppendSingle(md, ingest);
        AppendLedger(md, ledger, run.Server.PoolSize);
        AppendInvoice(md, invoice);
        AppendRetention(md, retention, run);
        md.Append(HttpReport.Render(run, http));
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

    private static void AppendLedger(StringBuilder md, LedgerFigures? ledger, int siloPool)
    {
        md.AppendLine("## Reserves: one hot account and many cold accounts against plain SQL");
        md.AppendLine();
        if (ledger is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `ledger` runs it).");
            md.AppendLine();
            return;
        }

        var hot = ledger.Hot;
        var cold = ledger.Cold;
        md.AppendLine($"{hot.Grain.Run.Callers} concurrent callers, each reserving 1 credit per call and waiting for the answer, with a new " +
            $"requestId every time and holds of {ReserveClient.TtlSeconds / 3600} hours (none expires during the run). The grain path calls " +
            "`IInstallGrain.Reserve` on tier max installs (unlimited) through the silo's co-hosted client; every answer comes after the " +
            "install grain's flush has committed it. The plain SQL path is DESIGN.md's design without grains, on the same PostgreSQL in the " +
            "same run, on tables of its own (`bench_account`, `bench_hold`, created by the benchmark in its throwaway database, apart from " +
            "the ledger tables): one connection per caller, and each reserve one prepared statement in its own transaction that updates " +
            "the account row only if `reserved + 1 <= credit_limit` and then inserts the hold row, in one round trip: the cheapest plain " +
            "SQL can be. The grain writes more per reserve: a hold row with its detail as JSON and a journal row with the answer as JSON, " +
            "plus the account's state as JSON once per flush. Each workload ran in the order baseline, grain, grain, baseline, each half " +
            "of the reserves; the figures are the sums of both halves.");
        md.AppendLine();
        md.AppendLine($"- **One hot account**: every caller reserves on the same account. An account holds at most " +
            $"{Limits.MaxOpenHoldsPerAccount:N0} open holds (`Limits.MaxOpenHoldsPerAccount`, past it a reserve is refused with 429) and " +
            $"these never expire, so both paths move on to a fresh account every {LedgerBenchmark.HotReservesPerAccount:N0} reserves: " +
            "at any moment all callers hit one account.");
        md.AppendLine($"- **Many cold accounts**: each reserve goes to a random one of {cold.Accounts:N0} accounts. A warm-up first " +
            "reserved once on every account on both paths, so every install grain was active: activation is not measured.");
        md.AppendLine();
        md.AppendLine("| workload | path | reserves | seconds | reserves/s | reserves per transaction | call median ms | call p95 ms | " +
            "CPU ms per 1,000 reserves: this process | CPU ms per 1,000 reserves: PostgreSQL | other work, cores |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in new[] { hot, cold })
        {
            foreach (var p in new[] { c.Grain, c.Sql })
            {
                var r = p.Run;
                md.AppendLine($"| {c.Workload} | {r.Label}{(r.CutShort ? " (cut short)" : "")}{(r.Retries > 0 ? $" ({r.Retries:N0} retries)" : "")} | " +
                    $"{r.Events:N0} | {r.Elapsed.TotalSeconds:N1} | **{r.EventsPerSecond:N0}** | {r.EventsPerTransaction:N1} | " +
                    $"{r.CallMedianMs:N2} | {r.CallP95Ms:N2} | {Number(CpuUse.PerThousand(p.Cpu.Process, r.Events), "N0")} | " +
                    $"{Number(CpuUse.PerThousand(p.Cpu.Postgres, r.Events), "N0")} | {Number(p.Cpu.OtherCores, "N2")} |");
            }
        }

        md.AppendLine();
        md.AppendLine($"Grain over plain SQL: **{hot.Ratio:N2}×** on one hot account, **{cold.Ratio:N2}×** on {cold.Accounts:N0} cold " +
            "accounts. These two ratios, each measured on the same PostgreSQL within a few minutes, are the result. For context only: " +
            $"DESIGN.md quotes about {LedgerFigures.DesignHotSql:N0} reserves/s for the plain SQL design on one hot account at 64 clients " +
            $"and about {LedgerFigures.DesignColdSql:N0}/s over many accounts, measured on machines like this one at another time under " +
            $"another load; in this run plain SQL made {hot.Sql.Run.EventsPerSecond:N0}/s and {cold.Sql.Run.EventsPerSecond:N0}/s.");
        md.AppendLine();

        md.AppendLine("Where the grain path's time goes, from the silo's shared flush metrics (`metering.ledger.flush.*`) during the grain " +
            $"phases. A flush is one shared transaction (the batches of every account that flushed meanwhile), timed from asking the silo's " +
            $"Npgsql pool ({siloPool} connections) for a connection to the commit. \"Flushes in " +
            "progress\" is the flushes' summed time over the phases' wall time (Little's law); \"callers' time in their own flush\" is the " +
            "share of the reserves' call time spent in the flush that carried them. The rest is waiting for the flush before it (a batch " +
            "fills while the previous one commits), the grain calls, the decision and " +
            "the scheduler. CPU is from `/proc`: this process is the silo and the callers (the grain path) or the callers and Npgsql " +
            "(plain SQL); \"other work\" is what the rest of the machine used meanwhile.");
        md.AppendLine();
        md.AppendLine("| workload | flushes | reserves per flush | flush median ms | flush p95 ms | flushes in progress | callers' time in their own flush |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in new[] { hot, cold })
        {
            if (c.Grain.Flushes is { } f)
            {
                md.AppendLine($"| {c.Workload} | {f.Flushes:N0} | {f.OperationsPerFlush:N1} | {f.MedianMs:N2} | {f.P95Ms:N2} | " +
                    $"{f.MeanInProgress(c.Grain.Run.Elapsed):N1} | {f.ShareOfCallTime(c.Grain.Run):P0} |");
            }
        }

        md.AppendLine();
        md.AppendLine(LedgerReading(hot, cold, siloPool));
        md.AppendLine();
    }

    /// <summary>What the figures say, in words chosen by the figures.</summary>
    private static string LedgerReading(LedgerComparison hot, LedgerComparison cold, int siloPool)
    {
        var words = new StringBuilder();
        words.Append(hot.Ratio >= 1.1
            ? $"On the hot account group commit wins: the grain carried {hot.Grain.Run.EventsPerTransaction:N0} reserves per transaction " +
              $"where plain SQL commits each one under the account's row lock, {hot.Ratio:N2}× the throughput."
            : $"On the hot account the grain did not win ({hot.Ratio:N2}×) although it carried {hot.Grain.Run.EventsPerTransaction:N0} " +
              "reserves per transaction.");
        if (hot.Grain.Flushes is { } hf && hf.MeanInProgress(hot.Grain.Run.Elapsed) >= 0.8)
        {
            words.Append($" The hot account had a flush running {Math.Min(1, hf.MeanInProgress(hot.Grain.Run.Elapsed)):P0} of the time, " +
                "so its throughput is its batch over its flush time: with closed-loop callers, some wait in the running flush while " +
                "the others fill the next batch.");
        }

        string coldPosition = cold.Ratio switch
        {
            < 0.9 => "below",
            <= 1.1 => "about level with",
            _ => "above",
        };
        words.Append(" The silo's shared flush writes the batches of many accounts in one transaction, " +
            $"so on cold accounts a transaction carried {cold.Grain.Run.EventsPerTransaction:N2} reserves and the grain path is " +
            $"{coldPosition} plain SQL ({cold.Ratio:N2}×).");
        if (cold.Grain.Flushes is { } cf && cf.MeanInProgress(cold.Grain.Run.Elapsed) > 0.9 * siloPool)
        {
            words.Append($" The cold reserves spent {cf.ShareOfCallTime(cold.Grain.Run):P0} of their time in their flush, with " +
                $"{cf.MeanInProgress(cold.Grain.Run.Elapsed):N0} flushes in progress on average for the pool's {siloPool} connections: " +
                "one transaction per reserve queues for connections and commits.");
        }

        int cores = Environment.ProcessorCount;
        if (Total(cold.Grain) is { } grainCpu && Total(cold.Sql) is { } sqlCpu)
        {
            words.Append($" Per 1,000 cold reserves the grain path used {grainCpu:N0} ms of CPU (this process " +
                $"{Number(CpuUse.PerThousand(cold.Grain.Cpu.Process, cold.Grain.Run.Events), "N0")}, PostgreSQL " +
                $"{Number(CpuUse.PerThousand(cold.Grain.Cpu.Postgres, cold.Grain.Run.Events), "N0")}) and plain SQL {sqlCpu:N0} ms " +
                $"(this process {Number(CpuUse.PerThousand(cold.Sql.Cpu.Process, cold.Sql.Run.Events), "N0")}, PostgreSQL " +
                $"{Number(CpuUse.PerThousand(cold.Sql.Cpu.Postgres, cold.Sql.Run.Events), "N0")}); on {cores} cores that alone caps them near " +
                $"{cores * 1_000_000 / grainCpu:N0} and {cores * 1_000_000 / sqlCpu:N0} reserves/s.");
        }

        return words.ToString();
    }

    /// <summary>CPU ms per 1,000 reserves of this process and PostgreSQL together, if both are known.</summary>
    private static double? Total(LedgerPath path) =>
        CpuUse.PerThousand(path.Cpu.Process, path.Run.Events) is { } process && CpuUse.PerThousand(path.Cpu.Postgres, path.Run.Events) is { } pg
            ? process + pg
            : null;

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format) : "n/a";

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

    private static void AppendRetention(StringBuilder md, RetentionFigures? r, RunInfo run)
    {
        md.AppendLine("## Retention: table size with the clean-up");
        md.AppendLine();
        if (r is null)
        {
            md.AppendLine("Not run in this run (`--scenario all` or `retention` runs it).");
            md.AppendLine();
            return;
        }

        md.AppendLine($"Measured by `{run.Command}` on {run.StartedAt:yyyy-MM-dd HH:mm} UTC (commit {run.Commit}, 1-minute load average {run.LoadAverage}). " +
            $"{r.Days} simulated days on a database of its own, each with {r.KeysPerDay:N0} keys through `IInstallGrain` ({r.Accounts} installs, " +
            "64 concurrent callers): a reserve, then a commit (18 in 20), a release (1 in 20) or nothing (1 in 20: the hold expires); and " +
            $"{r.EventsPerDay:N0} usage events through the ingest grain; both spread over the day's 24 hours by the ledger's clock. Keys are " +
            $"kept {r.Settings.RequestIdHours} hours after their last use (the default); raw events {r.Settings.UsageEventDays} days (the " +
            $"shortest allowed; the default is {RetentionSettings.DefaultUsageEventDays}) plus the {Limits.UsageEventDeleteMarginHours}-hour " +
            "margin, so that a run of weeks shows both. Then one clean-up catches up on every day at once, a `VACUUM` follows (autovacuum's " +
            $"work), and {r.SteadyDays} more days follow, each ending with a clean-up and a `VACUUM`, as the silo's job and autovacuum would. " +
            "Sizes are `pg_total_relation_size` (heap, indexes and TOAST).");
        md.AppendLine();
        md.AppendLine($"| table | rows after {r.Days} days | MiB | rows after the clean-up | MiB after it and a VACUUM | rows after {r.SteadyDays} more days | MiB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < r.Before.Count; i++)
        {
            var (b, a, s) = (r.Before[i], r.AfterCatchUp[i], r.Steady[i]);
            md.AppendLine($"| `{b.Table}` | {b.Rows:N0} | {Mib(b.TotalBytes)} | {a.Rows:N0} | {Mib(a.TotalBytes)} | {s.Rows:N0} | {Mib(s.TotalBytes)} |");
        }

        md.AppendLine();
        var c = r.CatchUp;
        long deleted = c.JournalRows + c.Holds + c.UsageEvents;
        md.AppendLine("| clean-up | status | journal rows deleted | holds deleted | events deleted | statements | seconds | rows/s |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        md.AppendLine($"| catch-up after {r.Days} days | {c.Status} | {c.JournalRows:N0} | {c.Holds:N0} | {c.UsageEvents:N0} | " +
            $"{c.JournalBatches + c.EventBatches} | {c.Elapsed.TotalSeconds:N1} | {deleted / Math.Max(c.Elapsed.TotalSeconds, 0.001):N0} |");
        foreach (var (d, day) in r.Daily.Select((d, i) => (d, r.Days + i + 1)))
        {
            long rows = d.JournalRows + d.Holds + d.UsageEvents;
            md.AppendLine($"| end of day {day} | {d.Status} | {d.JournalRows:N0} | {d.Holds:N0} | {d.UsageEvents:N0} | " +
                $"{d.JournalBatches + d.EventBatches} | {d.Elapsed.TotalSeconds:N1} | {rows / Math.Max(d.Elapsed.TotalSeconds, 0.001):N0} |");
        }

        md.AppendLine();
        var journalBefore = r.Before.Single(t => t.Table == "ledger_journal");
        var journalSteady = r.Steady.Single(t => t.Table == "ledger_journal");
        long unbounded = journalBefore.TotalBytes * (r.Days + r.SteadyDays) / r.Days;
        md.AppendLine($"Without the clean-up the journal grows with every day: about {Mib(unbounded)} MiB after {r.Days + r.SteadyDays} days at this " +
            $"rate ({Mib(journalBefore.TotalBytes)} MiB after {r.Days}). With it, it held {journalSteady.Rows:N0} rows in {Mib(journalSteady.TotalBytes)} MiB " +
            "after the steady days: the rows of the last two days, in a file that stops growing, because a `DELETE` followed by `VACUUM` " +
            "leaves free space inside the table that new rows reuse. `VACUUM` gives back to the operating system only the empty pages at the " +
            "end of a file; `VACUUM FULL` (or `pg_repack`) would give back the rest, under an exclusive lock. The indexes migration 0007 adds, " +
            $"after the steady days: `ledger_journal_age` {Mib(r.IndexBytes["ledger_journal_age"])} MiB, `usage_event_occurred` " +
            $"{Mib(r.IndexBytes["usage_event_occurred"])} MiB. The fill took {r.Fill.TotalSeconds:N0} s (not a throughput figure: the clock " +
            "moves in hour steps between calls). Rollups and account rows are never deleted.");
        md.AppendLine();
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1");

    /// <summary>"met (1.23×)" or "missed (0.80×)", with a note when the run was cut short.</summary>
    private static string Verdict(double ofTarget, double needed, LoadRun? run)
    {
        string verdict = ofTarget >= needed ? $"met ({ofTarget:N2}× the target)" : $"**missed** ({ofTarget:N2}× the target)";
        return run is { CutShort: true } ? verdict + ", cut short by the time limit" : verdict;
    }
}
