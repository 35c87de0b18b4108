using System.Diagnostics;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// Operations staged for one flush. Every caller staged in it awaits <see cref="Durable"/>, which
/// completes only when the batch's transaction commits (or fails when it does not).
/// </summary>
internal sealed class PendingBatch<TAccount>
    where TAccount : class
{
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingBatch(TAccount accountBefore) => AccountAfter = accountBefore;

    public Task Durable => _durable.Task;

    /// <summary>The account as the last operation of this batch left it: what the flush writes.</summary>
    public TAccount AccountAfter { get; set; }

    public int Operations { get; set; }

    /// <summary>The ledger's staging sequence number of the last operation in this batch.</summary>
    public long LastSeq { get; set; }

    /// <summary>The time of the last operation staged in this batch (the account row's updated_at).</summary>
    public DateTimeOffset LastAt { get; set; }

    public List<JournalEntry> Journal { get; } = [];

    /// <summary>The last write per request: one statement may not touch a row twice.</summary>
    public Dictionary<string, StoredHold> Holds { get; } = new(StringComparer.Ordinal);

    /// <summary>The kind's own rows staged in this batch, in order.</summary>
    public List<SideRow> SideRows { get; } = [];

    /// <summary>
    /// The spans of the callers staged in this batch, for the flush span's links: at most
    /// <see cref="LedgerTracing.MaxLinks"/>, and none while nothing is traced.
    /// </summary>
    public List<ActivityContext> Callers { get; } = [];

    public void Succeed() => _durable.TrySetResult();

    public void Fail(Exception error) => _durable.TrySetException(error);
}
