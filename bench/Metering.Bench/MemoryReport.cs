using System.Globalization;
using System.Text;

namespace Metering.Bench;

/// <summary>The memory benchmark's section of docs/benchmarks.md.</summary>
internal static class MemoryReport
{
    public const string Heading = "## Memory of account grains";

    public static string Render(RunInfo run, MemoryFigures? figures)
    {
        var md = new StringBuilder();
        md.AppendLine(Heading);
        md.AppendLine();
        if (figures is null)
        {
            md.AppendLine("Not run in this run (`--scenario memory` runs it).");
            return md.ToString();
        }

        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Measured by `{run.Command}` on {run.StartedAt:yyyy-MM-dd HH:mm} UTC (commit {run.Commit}; {run.Cores} cores, {run.Cpu}, {run.Memory}; load average {run.LoadAverage}; {run.Runtime})."));
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"A silo of its own in the benchmark's process; the managed heap is read after a full, compacting collection. Settings: accounts idle after {figures.IdleSeconds} s " +
            $"(`Metering:Accounts:IdleMinutes`), closed holds remembered 10 minutes, at most {figures.RememberedBound:N0} remembered entries per silo " +
            $"(`MaxRememberedPerSilo`, lowered from its default of 2,000,000 so that the run reaches it). Every account gets a reserve and its commit (a port, budget off)."));
        md.AppendLine();
        md.AppendLine("| step | accounts touched | heap over the start | per active account | activations | remembered entries |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {figures.Accounts:N0} accounts touched ({figures.TouchTime.TotalSeconds:N0} s) | {figures.Accounts:N0} | {Mib(figures.HeapTouched - figures.HeapBefore)} | **{figures.BytesPerActiveAccount:N0} bytes** | {figures.ActivationsTouched:N0} | {figures.RememberedTouched:N0} |"));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| then one busy port: {figures.BusyLifecycles:N0} reserves + commits | {figures.Accounts + 1:N0} | {Mib(figures.HeapBusy - figures.HeapBefore)} | | | {figures.RememberedBusy:N0} |"));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| then {figures.IdleWait.TotalSeconds:N0} s with no calls | | {Mib(figures.HeapIdle - figures.HeapBefore)} | | {figures.ActivationsIdle:N0} | {figures.RememberedIdle:N0} |"));
        md.AppendLine();
        bool reached = figures.RememberedTouched > figures.RememberedBound;
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Alone, the busy port would remember 2 × 20,000 entries (its per-account ceiling; about 20 MB before these bounds). ") + (reached
            ? string.Create(CultureInfo.InvariantCulture,
                $"Here the silo was already over its bound of {figures.RememberedBound:N0} after the touch ({figures.RememberedTouched:N0}), so accounts forget down to 64 entries as they work: the busy port kept its newest 64 while the other accounts kept the few each had (under that floor), and the silo remembered {figures.RememberedBusy:N0} entries after the busy phase. The bound is thus the setting plus 64 per active account, and idle deactivation bounds the active accounts. ")
            : string.Create(CultureInfo.InvariantCulture,
                $"Here the silo stayed under its bound of {figures.RememberedBound:N0} ({figures.RememberedTouched:N0} after the touch), so the busy port kept its ceiling: {figures.RememberedBusy:N0} entries in the silo. "))
            + "After idling past the idle time, Orleans' collector had deactivated the accounts and their memory was back.");
        return md.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):N1} MiB");
}
