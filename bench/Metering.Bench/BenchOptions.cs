using System.Globalization;

namespace Metering.Bench;

/// <summary>
/// The command line of the benchmark, parsed and bounded. Every size has a default that fits a
/// run of a few minutes on a 2-core machine, and a ceiling so no run can grow without bound.
/// </summary>
internal sealed record BenchOptions
{
    public const string Usage =
        """
        usage: Metering.Bench [--scenario all|ingest|ledger|invoice|retention] [--events KEY=N[,KEY=N...]]
                              [--batch-callers N[,N...]] [--single-callers N] [--ledger-callers N]
                              [--ledger-accounts N] [--invoice-runs N] [--phase-seconds N]
                              [--retention-days N] [--retention-keys N] [--retention-events N]
                              [--fast] [--out PATH]

          --scenario        which benchmarks to run (default all):
                              ingest   usage-event ingest: batch calls, and single-event calls
                                       against one row per transaction in plain SQL
                              ledger   install reserves through IInstallGrain.Reserve against the
                                       plain SQL design (one transaction per reserve), on one hot
                                       account and on many cold accounts
                              invoice  invoice query time with 10^4 and 10^6 events
                              retention  the retention clean-up's effect on table size, over
                                       simulated days, on a database of its own
          --events          sizes: batch (default 300000 events, per caller count),
                            single (default 200000 events, per path), small (10000 events),
                            large (1000000 events), hot (default 60000 reserves on one hot
                            account, per path), cold (default 60000 reserves over many
                            accounts, per path)
                            e.g. --events batch=100000,large=200000,hot=20000
          --batch-callers   concurrent callers of the batch benchmark and of the invoice load,
                            each sending 1,000-event calls (default 4,8: one row per count)
          --single-callers  concurrent callers of the single-event benchmark (default 64)
          --ledger-callers  concurrent callers of the ledger benchmark, on both paths; the plain
                            SQL path has one connection per caller (default 64, at most 200)
          --ledger-accounts accounts of the ledger benchmark's cold workload (default 10000)
          --invoice-runs    timed invoice queries per tenant (default 100)
          --phase-seconds   time limit of every measured or loading phase (default 300)
          --retention-days  simulated days filled before the first clean-up (default 40;
                            33 to 400: raw events are kept 31 days plus a day in this benchmark)
          --retention-keys  keys per simulated day, each a reserve and mostly a commit
                            (default 5000)
          --retention-events usage events per simulated day (default 10000)
          --fast            start PostgreSQL with fsync and full_page_writes off (not durable)
          --out PATH        write the figures to PATH as markdown (e.g. docs/benchmarks.md)
        """;

    /// <summary>Ceiling of any event count: keeps a mistyped size from filling the disk.</summary>
    private const int MaxEvents = 10_000_000;

    /// <summary>Ceiling of the cold accounts: each is an active grain in the benchmark's one silo.</summary>
    private const int MaxLedgerAccounts = 100_000;

    public Scenario Scenario { get; private init; } = Scenario.All;

    public bool Fast { get; private init; }

    public string? OutPath { get; private init; }

    public bool ShowHelp { get; private init; }

    public int BatchEvents { get; private init; } = 300_000;

    public IReadOnlyList<int> BatchCallers { get; private init; } = [4, 8];

    /// <summary>
    /// 200,000 rather than fewer: at 40,000 a half of the grain path lasts about a second, and the
    /// ramp-up and the full-page writes after the phase's checkpoint weigh more than the path itself.
    /// </summary>
    public int SingleEvents { get; private init; } = 200_000;

    public int SingleCallers { get; private init; } = 64;

    /// <summary>Reserves per path on one hot account (DESIGN.md's workload: 64 clients, one account).</summary>
    public int HotReserves { get; private init; } = 60_000;

    /// <summary>Reserves per path spread over <see cref="LedgerAccounts"/> accounts.</summary>
    public int ColdReserves { get; private init; } = 60_000;

    public int LedgerCallers { get; private init; } = 64;

    public int LedgerAccounts { get; private init; } = 10_000;

    public int InvoiceSmallEvents { get; private init; } = 10_000;

    public int InvoiceLargeEvents { get; private init; } = 1_000_000;

    public int InvoiceRuns { get; private init; } = 100;

    public TimeSpan PhaseLimit { get; private init; } = TimeSpan.FromSeconds(300);

    /// <summary>Simulated days before the first clean-up: more than the 32 days raw events are kept here, so some go.</summary>
    public int RetentionDays { get; private init; } = 40;

    /// <summary>Keys per simulated day (a reserve, and mostly a commit): 5,000 keeps the fill at a few minutes.</summary>
    public int RetentionKeysPerDay { get; private init; } = 5_000;

    /// <summary>Usage events per simulated day.</summary>
    public int RetentionEventsPerDay { get; private init; } = 10_000;

    /// <summary>Accounts the memory benchmark touches (a reserve and a commit each).</summary>
    public int MemoryAccounts { get; private init; } = 100_000;

    /// <summary>The memory benchmark's idle time before accounts deactivate, in seconds.</summary>
    public int MemoryIdleSeconds { get; private init; } = 30;

    /// <summary>The arguments as given, for the report's command line.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public bool RunsIngest => Scenario is Scenario.All or Scenario.Ingest;

    public bool RunsInvoice => Scenario is Scenario.All or Scenario.Invoice;

    public bool RunsLedger => Scenario is Scenario.All or Scenario.Ledger;

    public bool RunsRetention => Scenario is Scenario.All or Scenario.Retention;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions { Arguments = [.. args] };
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            options = arg switch
            {
                "--scenario" => options with { Scenario = ParseScenario(Value()) },
                "--events" => ParseEvents(options, Value()),
                "--batch-callers" => options with { BatchCallers = [.. Value().Split(',').Select(v => ParseInt(arg, v, 1, 64))] },
                "--single-callers" => options with { SingleCallers = ParseInt(arg, Value(), 1, 256) },
                // The baseline's pool, the silo's and the admin's together stay under max_connections (300).
                "--ledger-callers" => options with { LedgerCallers = ParseInt(arg, Value(), 1, 200) },
                "--ledger-accounts" => options with { LedgerAccounts = ParseInt(arg, Value(), 1, MaxLedgerAccounts) },
                "--invoice-runs" => options with { InvoiceRuns = ParseInt(arg, Value(), 1, 10_000) },
                "--phase-seconds" => options with { PhaseLimit = TimeSpan.FromSeconds(ParseInt(arg, Value(), 1, 3_600)) },
                "--retention-days" => options with { RetentionDays = ParseInt(arg, Value(), 33, 400) },
                "--retention-keys" => options with { RetentionKeysPerDay = ParseInt(arg, Value(), 24, 1_000_000) },
                "--retention-events" => options with { RetentionEventsPerDay = ParseInt(arg, Value(), 24, 1_000_000) },
                "--fast" => options with { Fast = true },
                "--out" => options with { OutPath = Value() },
                "-h" or "--help" => options with { ShowHelp = true },
                _ => throw new ArgumentException($"unknown argument: {arg}"),
            };
        }

        return options;
    }

    private static Scenario ParseScenario(string value) => value switch
    {
        "all" => Scenario.All,
        "ingest" => Scenario.Ingest,
        "invoice" => Scenario.Invoice,
        "ledger" => Scenario.Ledger,
        "retention" => Scenario.Retention,
        _ => throw new ArgumentException($"--scenario must be all, ingest, ledger, invoice or retention, not '{value}'"),
    };

    private static BenchOptions ParseEvents(BenchOptions options, string value)
    {
        foreach (string pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = pair.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new ArgumentException($"--events takes KEY=N pairs (batch, single, small, large, hot, cold), not '{pair}'");
            }

            int n = ParseInt("--events " + parts[0], parts[1], 1, MaxEvents);
            options = parts[0] switch
            {
                "batch" => options with { BatchEvents = n },
                "single" => options with { SingleEvents = n },
                "small" => options with { InvoiceSmallEvents = n },
                "large" => options with { InvoiceLargeEvents = n },
                "hot" => options with { HotReserves = n },
                "cold" => options with { ColdReserves = n },
                _ => throw new ArgumentException($"--events keys are batch, single, small, large, hot and cold, not '{parts[0]}'"),
            };
        }

        return options;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        string plain = value.Replace("_", "", StringComparison.Ordinal);
        if (!int.TryParse(plain, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'");
        }

        return n;
    }
}
