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
        usage: Metering.Bench [--scenario all|ingest|ledger|invoice|retention|http|memory|dashboard] [--events KEY=N[,KEY=N...]]
                              [--batch-callers N[,N...]] [--single-callers N] [--ledger-callers N]
                              [--ledger-accounts N] [--invoice-runs N] [--phase-seconds N]
                              [--retention-days N] [--retention-keys N] [--retention-events N]
                              [--kinds pools,installs,ports] [--http-accounts N] [--smoke] [--no-build]
                              [--memory-accounts N] [--memory-idle-seconds N]
                              [--dashboard-accounts N] [--dashboard-runs N]
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
                              http     the relay lifecycle (reserve, then commit) over HTTP
                                       through real silo and client-api processes (Release),
                                       against plain SQL driven by pgbench, per account kind:
                                       one hot account and many accounts at 64 connections,
                                       many accounts at 8; with --scenario http and --out, only
                                       its section of the file is replaced
                              memory   heap per active account grain with many accounts
                                       touched, one busy account against the silo-wide bound
                                       on remembered work, and the heap after idling past the
                                       idle time; with --out only its section is replaced
                              dashboard  the admin dashboard's views in headless Chromium
                                       (Playwright; METERING_CHROMIUM or /usr/bin/chromium)
                                       against real silo and client-api processes (Release)
                                       holding many accounts of each kind made through the
                                       API: time from navigation to the view's first table;
                                       with --out only its section is replaced
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
          --phase-seconds   time limit of every measured or loading phase (default 300); in
                            the http scenario, the measured time of each path per comparison
                            (default 20, 2 with --smoke), in two halves
          --retention-days  simulated days filled before the first clean-up (default 40;
                            33 to 400: raw events are kept 31 days plus a day in this benchmark)
          --retention-keys  keys per simulated day, each a reserve and mostly a commit
                            (default 5000)
          --retention-events usage events per simulated day (default 10000)
          --kinds           account kinds of the http scenario (default pools,installs,ports)
          --http-accounts   accounts per kind of the http scenario's many-account workload
                            (default 10000, 1000 with --smoke)
          --memory-accounts accounts the memory scenario touches (default 100000, 2000 with --smoke)
          --memory-idle-seconds  idle time before accounts deactivate in the memory scenario
                            (default 120, 5 with --smoke: longer than touching the accounts
                            takes, so all are active when the heap is read)
          --dashboard-accounts  accounts of each kind (pools, installs, ports) the dashboard
                            scenario makes (default 10000, 500 with --smoke)
          --dashboard-runs  timed loads of each view in the dashboard scenario, after one
                            untimed warm-up (default 5, 1 with --smoke)
          --smoke           the http, memory and dashboard scenarios in CI size, unless given
                            otherwise: http 2-second phases, 1-second warm-ups, 1,000 accounts;
                            memory 2,000 accounts; dashboard 500 accounts, one timed load per view
          --no-build        do not build silo and client-api (Release) before the http or
                            dashboard scenario
          --fast            start PostgreSQL with fsync and full_page_writes off (not durable)
          --out PATH        write the figures to PATH as markdown (e.g. docs/benchmarks.md)
        """;

    /// <summary>Ceiling of any event count: keeps a mistyped size from filling the disk.</summary>
    private const int MaxEvents = 10_000_000;

    /// <summary>Ceiling of the cold accounts: each is an active grain in the benchmark's one silo.</summary>
    private const int MaxLedgerAccounts = 100_000;

    /// <summary>
    /// The http scenario's time per path and comparison when --phase-seconds is not given: 20 s
    /// (two halves of 10) is long enough for thousands of lifecycles even on the hot account's
    /// plain SQL path, and keeps the whole scenario near 8 minutes (3 kinds × 3 comparisons).
    /// </summary>
    private static readonly TimeSpan DefaultHttpPhase = TimeSpan.FromSeconds(20);

    /// <summary>--smoke: 2 s per path (1 s per half, pgbench's smallest -T), enough to see every route answer.</summary>
    private static readonly TimeSpan SmokeHttpPhase = TimeSpan.FromSeconds(2);

    /// <summary>Warm-up per kind and workload of the http scenario: JIT, connection pools, statement preparation.</summary>
    private static readonly TimeSpan DefaultHttpWarmup = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan SmokeHttpWarmup = TimeSpan.FromSeconds(1);

    /// <summary>The many-account workload of issue #12 item 5: 10,000 accounts.</summary>
    private const int DefaultHttpAccounts = 10_000;

    /// <summary>--smoke: a tenth, so that setting the accounts up through the admin API takes seconds.</summary>
    private const int SmokeHttpAccounts = 1_000;

    /// <summary>Ceiling of the http scenario's accounts per kind: each is an active grain in the one silo.</summary>
    private const int MaxHttpAccounts = 100_000;

    /// <summary>The dashboard target's size: "first view under 1 s locally with 10,000 accounts".</summary>
    private const int DefaultDashboardAccounts = 10_000;

    /// <summary>--smoke: enough for more than one page of every list (50 rows a page), made in seconds.</summary>
    private const int SmokeDashboardAccounts = 500;

    /// <summary>
    /// Ceiling of the dashboard scenario's accounts per kind: each is an active grain in the one
    /// silo, and the ids have six digits (<see cref="DashboardAccounts"/>).
    /// </summary>
    private const int MaxDashboardAccounts = 100_000;

    /// <summary>Five timed loads per view: a median and a maximum worth reading, in about a minute of browsing.</summary>
    private const int DefaultDashboardRuns = 5;

    /// <summary>Ceiling of the timed loads per view: each is a few seconds at worst.</summary>
    private const int MaxDashboardRuns = 100;

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
    public int MemoryAccounts => MemoryAccountsGiven ?? (Smoke ? 2_000 : 100_000);

    private int? MemoryAccountsGiven { get; init; }

    /// <summary>The memory benchmark's idle time before accounts deactivate, in seconds.</summary>
    public int MemoryIdleSeconds => MemoryIdleSecondsGiven ?? (Smoke ? 5 : 120);

    private int? MemoryIdleSecondsGiven { get; init; }

    /// <summary>Accounts of each kind with a list view (pools, installs, ports) the dashboard scenario makes.</summary>
    public int DashboardAccounts => DashboardAccountsGiven ?? (Smoke ? SmokeDashboardAccounts : DefaultDashboardAccounts);

    private int? DashboardAccountsGiven { get; init; }

    /// <summary>Timed loads of each view in the dashboard scenario (after one untimed warm-up).</summary>
    public int DashboardRuns => DashboardRunsGiven ?? (Smoke ? 1 : DefaultDashboardRuns);

    private int? DashboardRunsGiven { get; init; }

    /// <summary>Account kinds of the http scenario, in the order they run.</summary>
    public IReadOnlyList<AccountKind> Kinds { get; private init; } = [AccountKind.Pools, AccountKind.Installs, AccountKind.Ports];

    /// <summary>
    /// --smoke: the http, memory and dashboard scenarios in CI size (see <see cref="HttpPhase"/>,
    /// <see cref="HttpWarmup"/>, <see cref="HttpAccounts"/>, <see cref="MemoryAccounts"/>,
    /// <see cref="DashboardAccounts"/>, <see cref="DashboardRuns"/>).
    /// </summary>
    public bool Smoke { get; private init; }

    /// <summary>--no-build: silo and client-api were built in Release already (http and dashboard scenarios).</summary>
    public bool NoBuild { get; private init; }

    private bool PhaseSecondsGiven { get; init; }

    private int? HttpAccountsGiven { get; init; }

    /// <summary>Measured time of each path per comparison of the http scenario, in two halves.</summary>
    public TimeSpan HttpPhase => PhaseSecondsGiven ? PhaseLimit : Smoke ? SmokeHttpPhase : DefaultHttpPhase;

    /// <summary>Warm-up of each path, per kind and workload, of the http scenario.</summary>
    public TimeSpan HttpWarmup => Smoke ? SmokeHttpWarmup : DefaultHttpWarmup;

    /// <summary>Accounts per kind of the http scenario's many-account workload.</summary>
    public int HttpAccounts => HttpAccountsGiven ?? (Smoke ? SmokeHttpAccounts : DefaultHttpAccounts);

    /// <summary>The arguments as given, for the report's command line.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public bool RunsIngest => Scenario is Scenario.All or Scenario.Ingest;

    public bool RunsInvoice => Scenario is Scenario.All or Scenario.Invoice;

    public bool RunsLedger => Scenario is Scenario.All or Scenario.Ledger;

    public bool RunsRetention => Scenario is Scenario.All or Scenario.Retention;

    public bool RunsHttp => Scenario is Scenario.All or Scenario.Http;

    public bool RunsMemory => Scenario is Scenario.All or Scenario.Memory;

    public bool RunsDashboard => Scenario is Scenario.All or Scenario.Dashboard;

    /// <summary>True when the run needs the in-process silo (ingest, ledger and invoice).</summary>
    public bool RunsInProcessSilo => RunsIngest || RunsLedger || RunsInvoice;

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
                "--phase-seconds" => options with { PhaseLimit = TimeSpan.FromSeconds(ParseInt(arg, Value(), 1, 3_600)), PhaseSecondsGiven = true },
                "--retention-days" => options with { RetentionDays = ParseInt(arg, Value(), 33, 400) },
                "--retention-keys" => options with { RetentionKeysPerDay = ParseInt(arg, Value(), 24, 1_000_000) },
                "--retention-events" => options with { RetentionEventsPerDay = ParseInt(arg, Value(), 24, 1_000_000) },
                "--kinds" => options with { Kinds = ParseKinds(Value()) },
                "--http-accounts" => options with { HttpAccountsGiven = ParseInt(arg, Value(), 1, MaxHttpAccounts) },
                "--smoke" => options with { Smoke = true },
                "--memory-accounts" => options with { MemoryAccountsGiven = ParseInt(arg, Value(), 1, MaxLedgerAccounts) },
                "--memory-idle-seconds" => options with { MemoryIdleSecondsGiven = ParseInt(arg, Value(), 2, 600) },
                "--dashboard-accounts" => options with { DashboardAccountsGiven = ParseInt(arg, Value(), 1, MaxDashboardAccounts) },
                "--dashboard-runs" => options with { DashboardRunsGiven = ParseInt(arg, Value(), 1, MaxDashboardRuns) },
                "--no-build" => options with { NoBuild = true },
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
        "http" => Scenario.Http,
        "memory" => Scenario.Memory,
        "dashboard" => Scenario.Dashboard,
        _ => throw new ArgumentException($"--scenario must be all, ingest, ledger, invoice, retention, http, memory or dashboard, not '{value}'"),
    };

    private static AccountKind[] ParseKinds(string value)
    {
        var kinds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(kind => kind switch
        {
            "pools" => AccountKind.Pools,
            "installs" => AccountKind.Installs,
            "ports" => AccountKind.Ports,
            _ => throw new ArgumentException($"--kinds takes pools, installs and ports, not '{kind}'"),
        }).Distinct().ToArray();
        return kinds.Length > 0 ? kinds : throw new ArgumentException("--kinds needs at least one of pools, installs, ports");
    }

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
