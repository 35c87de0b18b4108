using Metering.Grains.Engine;
using Npgsql;

namespace Metering.Grains.Storage;

/// <summary>
/// Everything one flush writes for one account, in one transaction: the account row (fenced by
/// version), new journal entries, hold rows (the last write per request), and kind-specific rows.
/// </summary>
internal sealed record FlushBatch(
    string Kind,
    string AccountId,
    long ExpectedVersion,
    string StateJson,
    DateTimeOffset At,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<StoredHold> Holds,
    IReadOnlyList<NpgsqlBatchCommand> Extra);
