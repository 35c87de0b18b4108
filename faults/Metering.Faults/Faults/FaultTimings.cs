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
    /// A pause or a partition lasts until the membership table shows a silo declared dead
    /// (failure detection: seconds with the silo's settings, see docs/operations.md), at most
    /// <see cref="Pause"/> / <see cref="Partition"/>.
    /// </summary>
    public static FaultTimings Default { get; } = new(
        Down: TimeSpan.FromSeconds(3),
        Pause: TimeSpan.FromSeconds(60),
        SelfStop: TimeSpan.FromSeconds(30),
        Loop: TimeSpan.FromSeconds(6),
        TerminateEvery: TimeSpan.FromMilliseconds(300),
        Partition: TimeSpan.FromSeconds(60),
        Skew: TimeSpan.FromSeconds(10),
        ClockSkewSeconds: 5);

    /// <summary>The short run's (CI's): the same faults, shorter where the length is a choice.</summary>
    public static FaultTimings Short { get; } = Default with
    {
        SelfStop = TimeSpan.FromSeconds(20),
        Loop = TimeSpan.FromSeconds(4),
        Skew = TimeSpan.FromSeconds(6),
    };
}
