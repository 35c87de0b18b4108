namespace Metering.Grains.Engine;

/// <summary>
/// How much account grains keep in memory, set under <c>Metering:Accounts</c> (docs/operations.md):
/// an account idle for <see cref="IdleAfter"/> is deactivated (its memory freed; the next call
/// reloads it); closed holds are remembered for fast replays at most <see cref="RememberFor"/>;
/// closed holds and journal entries at most <c>Limits.MaxRememberedOutcomes</c> each per account,
/// and at most <see cref="MaxRememberedPerSilo"/> entries for all accounts of a silo together;
/// past those, a replay costs one read of PostgreSQL. Journal entries are not forgotten by age:
/// while an account has forgotten none, a key it does not know is new without a lookup. <see cref="ShedOnMemoryPressure"/> turns on Orleans'
/// own activation shedding (deactivating the least recently used grains when the process nears
/// its memory limit).
/// </summary>
public sealed record AccountMemory(TimeSpan IdleAfter, TimeSpan RememberFor, long MaxRememberedPerSilo, bool ShedOnMemoryPressure)
{
    public const string Section = "Metering:Accounts";

    public const int DefaultIdleMinutes = 10;

    public const int DefaultRememberMinutes = 10;

    public const long DefaultMaxRememberedPerSilo = 2_000_000;

    /// <summary>What an account keeps, under silo pressure, of its newest finished work.</summary>
    public const int FloorPerAccount = 64;

    /// <summary>The defaults, with a count of their own (each silo, and each tool, counts apart).</summary>
    public static AccountMemory CreateDefault() => new(
        TimeSpan.FromMinutes(DefaultIdleMinutes), TimeSpan.FromMinutes(DefaultRememberMinutes), DefaultMaxRememberedPerSilo, ShedOnMemoryPressure: true);

    /// <summary>
    /// The silo-wide count these settings bound, created with them: one instance per silo (a
    /// <c>with</c> copy would share it, so settings are made with the constructor, never copied).
    /// </summary>
    internal RememberedEntries Remembered { get; } = new(MaxRememberedPerSilo);

    /// <summary>Throws with the setting's name when a value is out of its range.</summary>
    public AccountMemory Validated()
    {
        if (IdleAfter < TimeSpan.FromSeconds(2))
        {
            throw new ArgumentOutOfRangeException($"{Section}:IdleMinutes", IdleAfter.TotalMinutes, "must be at least 2 seconds (0.034 minutes)");
        }

        if (RememberFor < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException($"{Section}:RememberMinutes", RememberFor.TotalMinutes, "must be 0 or more");
        }

        if (MaxRememberedPerSilo < 0)
        {
            throw new ArgumentOutOfRangeException($"{Section}:MaxRememberedPerSilo", MaxRememberedPerSilo, "must be 0 or more");
        }

        return this;
    }
}
