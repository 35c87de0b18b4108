namespace Metering.Tests.Support;

/// <summary>Moves the shared fake clock forward to calendar edges (it never goes back).</summary>
internal static class ClockMoves
{
    /// <summary>Moves the clock to <paramref name="target"/>, which must not be in its past.</summary>
    public static void To(DateTimeOffset target)
    {
        var now = ClusterFixture.Clock.GetUtcNow();
        Assert.True(target >= now, $"the test clock cannot go back from {now:O} to {target:O}");
        ClusterFixture.Clock.Advance(target - now);
    }

    /// <summary>The instant truncated to whole milliseconds, as the ledger stores every time.</summary>
    public static DateTimeOffset TruncateToMs(this DateTimeOffset at) =>
        new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>The next UTC midnight strictly more than a second ahead.</summary>
    public static DateTimeOffset NextMidnight()
    {
        var now = ClusterFixture.Clock.GetUtcNow().AddSeconds(1);
        return new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
    }

    /// <summary>The first Monday 00:00 UTC at least <paramref name="daysAhead"/> days (and a second) ahead.</summary>
    public static DateTimeOffset NextMonday(int daysAhead = 0)
    {
        var midnight = NextMidnight().AddDays(daysAhead);
        while (midnight.DayOfWeek != DayOfWeek.Monday)
        {
            midnight = midnight.AddDays(1);
        }

        return midnight;
    }

    /// <summary>The next 1st of a month, 00:00 UTC, strictly more than a second ahead.</summary>
    public static DateTimeOffset NextFirstOfMonth()
    {
        var now = ClusterFixture.Clock.GetUtcNow().AddSeconds(1);
        return new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
    }
}
