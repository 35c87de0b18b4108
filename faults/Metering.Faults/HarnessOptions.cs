using System.Globalization;
using Metering.Faults.Faults;

namespace Metering.Faults;

/// <summary>What one run does: how long, which faults (each alone, then mixed), how hard, which report section.</summary>
internal sealed record HarnessOptions(
    TimeSpan Duration,
    IReadOnlyList<IReadOnlyList<FaultKind>> Plan,
    int Workers,
    int Seed,
    string Name,
    string? ReportPath,
    bool Soak,
    TimeSpan Warmup,
    TimeSpan Gap,
    bool Short = false)
{
    public static readonly IReadOnlyList<IReadOnlyList<FaultKind>> Mixed =
    [
        [FaultKind.KillSilo, FaultKind.TerminateBackends],
        [FaultKind.RestartPostgres, FaultKind.KillFrontEnd],
        [FaultKind.PauseSilo, FaultKind.TerminateBackends],
        [FaultKind.Partition, FaultKind.KillFrontEnd],
    ];

    public static string Usage => """
        usage: Metering.Faults [--duration SECONDS] [--faults all|none|LIST] [--mixed] [--workers N]
                               [--seed N] [--name NAME] [--report PATH] [--soak]
          --duration  how long the load runs, in seconds (default 120); faults repeat until it ends
          --faults    comma-separated: kill-silo, pause-silo, restart-postgres, terminate-backends,
                      partition, kill-front-end, clock-skew; "all" (default) or "none"
          --mixed     after each fault alone, also pairs of faults at once
          --workers   concurrent relay workers (default 16)
          --seed      the run's seed (default: from the clock, printed)
          --name      the report section's name (default "run")
          --report    write the figures into this Markdown file (its section NAME is replaced)
          --soak      measure the peak first, then hold about 70% of it for the duration, no faults
          --short     each planned fault once, held just past failure detection (the CI run)
        """;

    public static HarnessOptions Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(120);
        IReadOnlyList<FaultKind> faults = Enum.GetValues<FaultKind>();
        bool mixed = false, soak = false, isShort = false;
        int workers = 16, seed = Environment.TickCount & 0x7fffffff;
        string name = "run";
        string? report = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--duration":
                    duration = TimeSpan.FromSeconds(int.Parse(Value(), CultureInfo.InvariantCulture));
                    break;
                case "--faults":
                    string list = Value();
                    faults = list switch
                    {
                        "all" => Enum.GetValues<FaultKind>(),
                        "none" => [],
                        _ => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FaultNames.Parse)],
                    };
                    break;
                case "--mixed":
                    mixed = true;
                    break;
                case "--workers":
                    workers = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--name":
                    name = Value();
                    break;
                case "--report":
                    report = Value();
                    break;
                case "--soak":
                    soak = true;
                    break;
                case "--short":
                    isShort = true;
                    break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        var plan = faults.Select(f => (IReadOnlyList<FaultKind>)[f]).ToList();
        if (mixed)
        {
            plan.AddRange(Mixed.Where(m => m.All(faults.Contains)));
        }

        return new HarnessOptions(duration, soak ? [] : plan, workers, seed, name, report, soak, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4), isShort);
    }
}
