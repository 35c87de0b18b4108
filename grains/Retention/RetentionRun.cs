namespace Metering.Grains.Retention;

/// <summary>What one clean-up run did.</summary>
/// <param name="KeyCutoff">Keys last used before this (and whose hold closed or expired before it) were forgotten.</param>
/// <param name="EventCutoff">Usage events that happened before this were deleted.</param>
/// <param name="JournalRows">Rows deleted from <c>ledger_journal</c>.</param>
/// <param name="Holds">Rows deleted from <c>ledger_hold</c>.</param>
/// <param name="UsageEvents">Rows deleted from <c>usage_event</c>.</param>
/// <param name="JournalBatches">Journal statements run (each looks at most <see cref="GrainInterfaces.Common.Limits.RetentionBatchRows"/> rows).</param>
/// <param name="EventBatches">Usage-event statements run (each deletes at most <see cref="GrainInterfaces.Common.Limits.RetentionBatchRows"/> rows).</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record RetentionRun(
    RetentionStatus Status,
    DateTimeOffset KeyCutoff,
    DateTimeOffset EventCutoff,
    long JournalRows,
    long Holds,
    long UsageEvents,
    int JournalBatches,
    int EventBatches,
    TimeSpan Elapsed);
