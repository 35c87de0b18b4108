namespace Metering.Bench;

/// <summary>
/// The ledger's clock in the retention benchmark: set by the benchmark to walk through simulated
/// days, read by the silo's grains (as a <c>LedgerClock</c>) and by the clean-up. Orleans keeps the
/// real clock for its own timers. Thread-safe.
/// </summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _utcTicks, at.UtcTicks);
}
