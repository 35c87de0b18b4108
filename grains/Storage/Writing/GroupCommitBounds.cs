namespace Metering.Grains.Storage;

/// <summary>
/// The bounds of one <see cref="GroupCommit{TItem, TResult}"/>. The weight of an item is what it
/// costs the transaction (operations of an account write, events of an ingest call).
/// </summary>
/// <param name="MaxBatchItems">Most items (accounts, calls) in one transaction.</param>
/// <param name="MaxBatchWeight">Most weight in one transaction; a single heavier item still goes, alone.</param>
/// <param name="MaxQueuedWeight">Most weight waiting for a writer; past it a submission is refused at once.</param>
/// <param name="Writers">Most transactions in flight at once.</param>
internal sealed record GroupCommitBounds(int MaxBatchItems, int MaxBatchWeight, int MaxQueuedWeight, int Writers)
{
    public void Validate()
    {
        if (MaxBatchItems < 1 || MaxBatchWeight < 1 || MaxQueuedWeight < 1 || Writers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GroupCommitBounds), this, "every group-commit bound must be at least 1");
        }
    }
}
