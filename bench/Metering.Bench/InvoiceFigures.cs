namespace Metering.Bench;

/// <summary>The invoice benchmark's results.</summary>
/// <param name="LargeLoad">Loading L through the ingest grain: a second, longer batch-ingest figure.</param>
internal sealed record InvoiceFigures(TenantCheck Small, TenantCheck Large, LoadRun LargeLoad, IReadOnlyList<InvoiceTiming> Timings)
{
    public bool Correct => Small.Mismatch is null && Large.Mismatch is null;
}
