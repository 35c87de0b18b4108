namespace Metering.Faults.Faults;

/// <summary>How long each fault lasts. The short (CI) run and the long run differ only in these and the run's length.</summary>
internal sealed record FaultTimings(
    TimeSpan Down,
    TimeSpan Pause,
    TimeSpan SelfStop,
    TimeSpan Loop,
    TimeSpan TerminateEvery,
    TimeSpan Partition,
    TimeSpan Skew,
    int ClockSkewSeconds)
{
    /// <summary>
    /// Pauses and partitions last well past failure detection (the silos' membership settings:
    /// about 10 s by default, see docs/operations.md), so the others do declare the silo dead.
    /// </summary>
    public static FaultTimings Default { get; } = new(
        Down: TimeSpan.FromSeconds(3),
        Pause: TimeSpan.FromSeconds(20),
        SelfStop: TimeSpan.FromSeconds(30),
        Loop: TimeSpan.FromSeconds(6),
        TerminateEvery: TimeSpan.FromMilliseconds(300),
        Partition: TimeSpan.FromSeconds(20),
        Skew: TimeSpan.FromSeconds(10),
        ClockSkewSeconds: 5);

    /// <summary>The short run's (CI's): the same faults, held just past failure detection.</summary>
    public static FaultTimings Short { get; } = Default with
    {
        Pause = TimeSpan.FromSeconds(14),
        SelfStop = TimeSpan.FromSeconds(20),
        Loop = TimeSpan.FromSeconds(4),
        Partition = TimeSpan.FromSeconds(14),
        Skew = TimeSpan.FromSeconds(6),
    };
}
