using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// The silo-wide count of what account ledgers remember (closed holds and journal entries kept
/// for fast replays), against a bound: while it is over, every ledger forgets its oldest durable
/// entries down to a small floor as it works, so the silo's memory for them stays near the bound
/// however many accounts are active. Thread-safe (ledgers of every grain update it).
/// </summary>
internal sealed class RememberedEntries
{
    private readonly long _bound;
    private long _count;

    public RememberedEntries(long bound)
    {
        _bound = bound;
        // One gauge per silo process; a test process with several in-process silos sums them.
        FlushMetrics.Meter.CreateObservableGauge(
            "metering.ledger.remembered", () => Count, "{entry}", "Closed holds and journal entries account ledgers keep in memory for fast replays");
    }

    public long Bound => _bound;

    public long Count => Interlocked.Read(ref _count);

    public bool IsOver => Interlocked.Read(ref _count) > _bound;

    public void Add(long delta) => Interlocked.Add(ref _count, delta);
}
