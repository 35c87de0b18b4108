using System.Diagnostics.Metrics;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// The silo-wide count of what account ledgers remember (closed holds and journal entries kept
/// for fast replays), against a bound: while it is over, every ledger forgets its oldest durable
/// entries down to a small floor as it works, so the silo's memory for them stays near the bound
/// however many accounts are active. Thread-safe (ledgers of every grain update it).
/// </summary>
internal sealed class RememberedEntries(long bound)
{
    // One gauge for the process, over every count in it (a silo has one that is used; tools and
    // tests may make more, each starting at 0), so it is never published twice under one name.
    // Kept in a field only so that it is created once, with the type; read by metric listeners.
    private static readonly ObservableGauge<long> Gauge = FlushMetrics.Meter.CreateObservableGauge(
        "metering.ledger.remembered", () => Interlocked.Read(ref s_processTotal), "{entry}",
        "Closed holds and journal entries account ledgers keep in memory for fast replays");

    private static long s_processTotal;
    private readonly long _bound = bound;
    private long _count;

    public long Bound => _bound;

    public long Count => Interlocked.Read(ref _count);

    public bool IsOver => Interlocked.Read(ref _count) > _bound;

    public void Add(long delta)
    {
        Interlocked.Add(ref _count, delta);
        Interlocked.Add(ref s_processTotal, delta);
    }
}
