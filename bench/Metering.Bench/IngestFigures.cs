namespace Metering.Bench;

/// <summary>The ingest benchmark's results.</summary>
/// <param name="Batch">One run per batch caller count.</param>
/// <param name="Grain">Single-event calls through the ingest grain (both halves).</param>
/// <param name="Sql">The one-row-per-transaction baseline (both halves).</param>
internal sealed record IngestFigures(IReadOnlyList<LoadRun> Batch, LoadRun Grain, LoadRun Sql)
{
    public const double BatchTarget = 50_000;

    public const double SingleRatioTarget = 3;

    public double SingleRatio => Grain.EventsPerSecond / Sql.EventsPerSecond;
}
