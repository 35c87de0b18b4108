namespace Metering.Grains.Pools;

/// <summary>The pool's arithmetic, pure (no I/O, no clock). Amounts are micro-USD.</summary>
internal static class PoolRules
{
    /// <summary>
    /// The largest limit a pool may reach through grants: 10^18 micro-USD (a trillion dollars),
    /// far from <see cref="long.MaxValue"/> so that sums of holds and use never overflow.
    /// </summary>
    public const long MaxLimitMicros = 1_000_000_000_000_000_000;

    /// <summary>What remains after use and holds, never below 0 (a commit may pass the limit).</summary>
    public static long Remaining(PoolAccount pool, long reserved) => Math.Max(0, pool.LimitMicros - pool.UsedMicros - reserved);

    /// <summary>A reserve fits when use, holds and the new hold stay within the limit.</summary>
    public static bool Fits(PoolAccount pool, long reserved, long reserveMicros) =>
        pool.UsedMicros + reserved + reserveMicros <= pool.LimitMicros;

    /// <summary>True when a debit keeps the pool's use within <see cref="MaxLimitMicros"/>.</summary>
    public static bool DebitFits(PoolAccount pool, long micros) => pool.UsedMicros <= MaxLimitMicros - micros;

    /// <summary>True when a grant keeps the limit within <see cref="MaxLimitMicros"/>.</summary>
    public static bool GrantFits(PoolAccount pool, long micros) => pool.LimitMicros <= MaxLimitMicros - micros;
}
