namespace Metering.Bench;

/// <summary>Which benchmarks a run does.</summary>
internal enum Scenario
{
    All,
    Ingest,
    Invoice,
    Ledger,
    Retention,

    /// <summary>The relay lifecycle over HTTP through real silo and client-api processes, against plain SQL (pgbench).</summary>
    Http,

    /// <summary>What account grains cost in memory: per active account, a busy account against the silo's bound, after idling.</summary>
    Memory,

    /// <summary>The admin dashboard's views in headless Chromium, against real processes holding many accounts of each kind.</summary>
    Dashboard,
}
