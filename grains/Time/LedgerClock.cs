namespace Metering.Grains.Time;

/// <summary>
/// The clock the ledger reads (holds, expiry, periods, months). Its own type rather than the
/// container's <see cref="TimeProvider"/>, so tests can move the ledger's time without moving
/// Orleans' own timers (membership, activation collection) along with it.
/// </summary>
public sealed class LedgerClock(TimeProvider time)
{
    public TimeProvider Time => time;
}
