using Metering.Faults;

// The fault harness: see HarnessOptions.Usage and docs/reliability.md. Exit code 0 when every
// promise held, 1 when the check found a violation, 2 for bad arguments.
HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

var started = DateTime.UtcNow;
void Log(string line) => Console.Error.WriteLine($"[{(DateTime.UtcNow - started).TotalSeconds,6:F1}s] {line}");
var report = await FaultRun.RunAsync(options, Log);
string command = "scripts/faults.sh " + string.Join(' ', args.Where((_, i) => !IsReportArgument(args, i)));
Console.WriteLine(report.ToMarkdown(command.TrimEnd()));
if (options.ReportPath is { } path)
{
    report.WriteTo(path, command.TrimEnd());
    Log($"figures written to {path}");
}

Log(report.Passed ? "every promise held" : $"{report.Result.Violations.Count} violations");
return report.Passed ? 0 : 1;

static bool IsReportArgument(string[] args, int i) => args[i] == "--report" || (i > 0 && args[i - 1] == "--report");
