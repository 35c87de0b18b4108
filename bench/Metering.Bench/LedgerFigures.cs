namespace Metering.Bench;

/// <summary>The ledger benchmark's results: reserves on one hot account and on many cold ones.</summary>
internal sealed record LedgerFigures(LedgerComparison Hot, LedgerComparison Cold)
{
    /// <summary>
    /// DESIGN.md's figures for the plain SQL design on these machines, quoted as context only
    /// (another time, another load on the shared cores): reserves/s at 64 clients.
    /// </summary>
    public const double DesignHotSql = 1_000;

    public const double DesignColdSql = 6_400;
}

/// <summary>One workload measured on both paths, in the same run on the same PostgreSQL.</summary>
/// <param name="Accounts">Accounts the reserves went to (the hot workload: at any moment one).</param>
internal sealed record LedgerComparison(string Workload, int Accounts, LedgerPath Grain, LedgerPath Sql)
{
    public double Ratio => Grain.Run.EventsPerSecond / Sql.Run.EventsPerSecond;
}

/// <summary>One path of a workload (both halves of its ABBA order summed).</summary>
/// <param name="Flushes">The install grains' flushes (the grain path only).</param>
internal sealed record LedgerPath(LoadRun Run, CpuUse Cpu, FlushStats? Flushes)
{
    public LedgerPath Plus(LedgerPath other) => new(
        Run.Plus(other.Run),
        Cpu.Plus(other.Cpu),
        Flushes is { } f && other.Flushes is { } g ? f.Plus(g) : Flushes ?? other.Flushes);
}
