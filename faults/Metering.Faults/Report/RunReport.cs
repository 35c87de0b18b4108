using System.Globalization;
using System.Text;
using Metering.Faults.Checks;
using Metering.Faults.Faults;
using Metering.Faults.Load;

namespace Metering.Faults.Report;

/// <summary>The figures of one run, as Markdown (for docs/reliability.md) and as the console summary.</summary>
internal sealed record RunReport(
    HarnessOptions Options,
    IReadOnlyList<Op> Ops,
    IReadOnlyList<FaultRecord> Faults,
    IReadOnlyList<(FaultRecord Fault, double OutageSeconds)> Outages,
    CheckResult Result,
    TimeSpan LoadTime,
    double? SoakRate,
    TimeSpan Elapsed)
{
    public bool Passed => Result.Passed;

    public string ToMarkdown(string command)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Run `{Options.Name}`, {DateTime.UtcNow:yyyy-MM-dd} UTC, seed {Options.Seed}, {Environment.ProcessorCount} cores, " +
            $"{LoadTime.TotalSeconds:F0} s of load ({Elapsed.TotalSeconds:F0} s in all), {Options.Workers} workers over two front ends and two silos:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("| figure | value | target |");
        md.AppendLine("|---|---:|---:|");
        var real = Ops;
        md.AppendLine(inv, $"| operations run | {real.Count:N0} | |");
        md.AppendLine(inv, $"| … of which availability probes (port usage writes) | {real.Count(o => o.Account.StartsWith("f-probe-", StringComparison.Ordinal)):N0} | |");
        foreach (var outcome in new[] { OpOutcome.Ok, OpOutcome.Refused, OpOutcome.Failed, OpOutcome.Unknown })
        {
            md.AppendLine(inv, $"| … {Name(outcome)} | {real.Count(o => o.Outcome == outcome):N0} | |");
        }

        md.AppendLine(inv, $"| acknowledged operations per second | {real.Count(o => o.Outcome == OpOutcome.Ok) / Math.Max(1, LoadTime.TotalSeconds):F0} | |");
        if (SoakRate is { } rate)
        {
            md.AppendLine(inv, $"| soak rate asked (70% of the measured peak) | {rate:F0}/s | |");
        }

        md.AppendLine(inv, $"| faults injected | {Faults.Count} | |");
        foreach (var group in Faults.GroupBy(f => f.Name))
        {
            md.AppendLine(inv, $"| … {group.Key} | {group.Count()} | |");
        }

        md.AppendLine(inv, $"| acknowledged operations lost | {Result.LostAcknowledged} | 0 |");
        md.AppendLine(inv, $"| overspent accounts (of {Result.AccountsChecked}) | {Result.OverspentAccounts} | 0 |");
        md.AppendLine(inv, $"| duplicate effects (keys applied twice, counters off their effects) | {Result.DuplicateEffects} | 0 |");
        md.AppendLine(inv, $"| replays answered otherwise than the first answer (of {Result.ReplaysChecked:N0}) | {Result.ReplayMismatches} | 0 |");
        md.AppendLine(inv, $"| unknown outcomes settled: applied once / not applied | {Result.UnknownApplied} / {Result.UnknownNotApplied} | |");
        md.AppendLine(inv, $"| invoice lines differing from a recomputation (of {Result.InvoicesChecked} tenants) | {Result.InvoiceMismatches} | 0 |");
        md.AppendLine(inv, $"| 5xx answers seen by relays (503 included: retryable, never acknowledged) | {real.Count(o => o.Status >= 500)} | |");
        if (Outages.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Seconds without service after each fault (the longest stretch in which a write probe on four ports failed, from the fault until 10 s after it was healed):");
            md.AppendLine();
            md.AppendLine("| fault | without service (s) | fault lasted (s) | what happened |");
            md.AppendLine("|---|---:|---:|---|");
            foreach (var (fault, outage) in Outages)
            {
                md.AppendLine(inv, $"| {fault.Name} | {outage:F1} | {(fault.HealedAt - fault.StartedAt).TotalSeconds:F1} | {fault.Notes} |");
            }
        }

        if (!Result.Passed)
        {
            md.AppendLine();
            md.AppendLine(inv, $"**{Result.Violations.Count} violations**, the first ones:");
            md.AppendLine();
            foreach (string violation in Result.Violations.Take(20))
            {
                md.AppendLine(inv, $"- {violation}");
            }
        }

        return md.ToString();
    }

    /// <summary>Replaces the section named after the run in <paramref name="path"/> (between its markers), or appends it.</summary>
    public void WriteTo(string path, string command)
    {
        string begin = $"<!-- run:{Options.Name} -->", end = $"<!-- /run:{Options.Name} -->";
        string block = begin + Environment.NewLine + ToMarkdown(command) + end;
        string text = File.Exists(path) ? File.ReadAllText(path) : "";
        int from = text.IndexOf(begin, StringComparison.Ordinal), to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + block + text[(to + end.Length)..]
            : text.TrimEnd() + Environment.NewLine + Environment.NewLine + block + Environment.NewLine;
        File.WriteAllText(path, text);
    }

    private static string Name(OpOutcome outcome) => outcome switch
    {
        OpOutcome.Ok => "acknowledged (2xx)",
        OpOutcome.Refused => "refused (4xx: 402, 404, 409, 429)",
        OpOutcome.Failed => "failed (no front end reached)",
        OpOutcome.Unknown => "unknown (503, timeout, broken connection)",
        _ => outcome.ToString(),
    };
}
