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

    /// <summary>The UTC day of an instant.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The first day of the period containing <paramref name="at"/>: today, this week's Monday, or the 1st.</summary>
    public static DateOnly PeriodStart(GrainInterfaces.Ports.BudgetPeriod period, DateTimeOffset at)
    {
        var day = Day(at);
        return period switch
        {
            GrainInterfaces.Ports.BudgetPeriod.Day => day,
            GrainInterfaces.Ports.BudgetPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            GrainInterfaces.Ports.BudgetPeriod.Month => new DateOnly(day.Year, day.Month, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "unknown period"),
        };
    }

    /// <summary>The first instant after the period containing <paramref name="at"/>: tomorrow, next Monday or the next 1st, at 00:00 UTC.</summary>
    public static DateTimeOffset PeriodEnd(GrainInterfaces.Ports.BudgetPeriod period, DateTimeOffset at)
    {
        var start = PeriodStart(period, at);
        return StartOf(period switch
        {
            GrainInterfaces.Ports.BudgetPeriod.Day => start.AddDays(1),
            GrainInterfaces.Ports.BudgetPeriod.Week => start.AddDays(7),
            GrainInterfaces.Ports.BudgetPeriod.Month => start.AddMonths(1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "unknown period"),
        });
    }

    /// <summary>Midnight UTC at the start of <paramref name="day"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// The clock's time truncated to whole milliseconds, the precision every stored and answered
    /// time has (PostgreSQL keeps microseconds, JSON callers usually milliseconds): what a caller
    /// is told is exactly what a reload reads back.
    /// </summary>
    public static DateTimeOffset Now(LedgerClock clock)
    {
        var now = clock.Time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
