namespace Metering.Bench;

/// <summary>Which benchmarks a run does.</summary>
internal enum Scenario
{
    All,
    Ingest,
    Invoice,
    Ledger,
    Retention,
}
