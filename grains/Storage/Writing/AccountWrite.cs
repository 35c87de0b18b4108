using System.Diagnostics;

namespace Metering.Grains.Storage;

/// <summary>
/// One account's part of a flush: the account row (fenced by version), new journal entries, hold
/// rows (the last write per request) and the kind's own rows. The shared writer puts the writes of
/// many accounts in one transaction; each succeeds or fails on its own (<see cref="FlushOutcome"/>).
/// </summary>
/// <param name="Kind">The <c>kind</c> column: install, pool or port.</param>
/// <param name="ExpectedVersion">The version this activation last wrote (0: no row yet); the row moves to it + 1.</param>
/// <param name="At">The time of the last operation staged (the row's updated_at).</param>
/// <param name="Operations">How many caller operations this write carries (its weight in the writer's bounds).</param>
/// <param name="Callers">
/// The spans of the callers whose operations this write carries, captured when each was staged
/// (at most <see cref="LedgerTracing.MaxLinks"/>; empty when nothing is traced): the flush span links to them.
/// </param>
internal sealed record AccountWrite(
    string Kind,
    string AccountId,
    long ExpectedVersion,
    string StateJson,
    DateTimeOffset At,
    int Operations,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<StoredHold> Holds,
    IReadOnlyList<SideRow> SideRows,
    IReadOnlyList<ActivityContext>? Callers = null)
{
    /// <summary>The account's identity in the tables, for fencing and lock order.</summary>
    public (string Kind, string AccountId) Key => (Kind, AccountId);

    /// <summary>The callers' spans, none when not given.</summary>
    public IReadOnlyList<ActivityContext> CallerSpans => Callers ?? [];
}
