namespace Metering.Grains.Retention;

/// <summary>How a clean-up run ended.</summary>
public enum RetentionStatus
{
    /// <summary>Everything past its retention was deleted.</summary>
    Completed,

    /// <summary>The run's time (<see cref="RetentionSettings.MaxRunSeconds"/>) was up between two statements; the next run goes on.</summary>
    TimeLimitReached,

    /// <summary>Another session (another silo's run) holds the clean-up lock: this run did nothing.</summary>
    Locked,

    /// <summary>A statement waited too long for a row lock, ran too long, or met a deadlock: it was rolled back whole, and the next run goes on.</summary>
    Interrupted,
}
