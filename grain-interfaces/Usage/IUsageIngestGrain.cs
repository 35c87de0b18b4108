namespace Metering.GrainInterfaces.Usage;

/// <summary>
/// Stores usage events exactly once and keeps the per-day rollups invoices read, in the same
/// transaction. One worker per silo (key 0) gathers concurrent calls into multi-row inserts.
/// </summary>
/// <remarks>
/// An answer means every recorded event and its rollup are committed in PostgreSQL. Uniqueness is
/// the database's: concurrent duplicates from several front ends record exactly once.
/// </remarks>
[Alias("Metering.IUsageIngestGrain")]
public interface IUsageIngestGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records 1 to <see cref="Common.Limits.MaxEventsPerBatch"/> events; invalid ones are answered
    /// <see cref="EventResult.Invalid"/> without stopping the others.
    /// </summary>
    [Alias("Ingest")]
    Task<IngestResult> Ingest(IReadOnlyList<UsageEvent> events);
}
