namespace Metering.Grains.Retention;

/// <summary>What one journal statement of the clean-up did.</summary>
/// <param name="Scanned">Old journal rows it looked at (at most <see cref="GrainInterfaces.Common.Limits.RetentionBatchRows"/>); fewer means the scan reached the cutoff.</param>
/// <param name="JournalRows">Journal rows it deleted (every row but grants of each key it forgot).</param>
/// <param name="Holds">Hold rows it deleted, each with its key's journal rows.</param>
/// <param name="Next">Where the next statement starts; null when nothing was scanned.</param>
internal sealed record JournalBatch(int Scanned, long JournalRows, long Holds, JournalCursor? Next);
