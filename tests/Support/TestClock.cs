namespace Metering.Tests.Support;

/// <summary>
/// The ledger's clock in cluster tests: read by every silo, set by the test. Unlike
/// <c>FakeTimeProvider</c> it can be set back, so every test starts from the same instant
/// (<see cref="ClusterFixture.Start"/>) whatever ran before it: tests never depend on each
/// other's moves. Only <see cref="GetUtcNow"/> is served (the ledger reads time, it sets no timers).
/// Thread-safe.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock forward by <paramref name="delta"/> (which must not be negative).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        Interlocked.Add(ref _utcTicks, delta.Ticks);
    }

    /// <summary>Sets the clock to <paramref name="at"/>, forward or back.</summary>
    public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _utcTicks, at.UtcTicks);
}
