namespace Metering.Grains.Time;

/// <summary>
/// Calendar periods in UTC, computed from the clock at read time (nothing needs a reset job):
/// a day starts at 00:00, a week on Monday 00:00, a month on the 1st at 00:00.
/// </summary>
internal static class UtcCalendar
{
    /// <summary>The month key <c>yyyy-MM</c> of an instant.</summary>
    public static string MonthKey(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return $"{utc.Year:D4}-{utc.Month:D2}";
    }

    /// <summary>
    /// The clock's time truncated to whole milliseconds, the precision every stored and answered
    /// time has (PostgreSQL keeps microseconds, JSON callers usually milliseconds): what a caller
    /// is told is exactly what a reload reads back.
    /// </summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
