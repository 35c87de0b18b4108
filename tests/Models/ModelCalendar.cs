using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.Tests.Models;

/// <summary>
/// The calendar and hold rules of the API contract, written for the models (independently of the
/// grains' own code): UTC periods, and what state a reader sees for a hold.
/// </summary>
internal static class ModelCalendar
{
    /// <summary>The month key <c>yyyy-MM</c> (UTC).</summary>
    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The UTC day of an instant.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The first day of the period holding <paramref name="at"/>: a day starts at 00:00, a week on Monday, a month on the 1st.</summary>
    public static DateOnly PeriodStart(BudgetPeriod period, DateTimeOffset at)
    {
        var day = Day(at);
        switch (period)
        {
            case BudgetPeriod.Day:
                return day;
            case BudgetPeriod.Week:
                while (day.DayOfWeek != DayOfWeek.Monday)
                {
                    day = day.AddDays(-1);
                }

                return day;
            case BudgetPeriod.Month:
                return new DateOnly(day.Year, day.Month, 1);
            default:
                throw new ArgumentOutOfRangeException(nameof(period), period, "unknown period");
        }
    }

    /// <summary>Midnight UTC starting <paramref name="day"/>.</summary>
    public static DateTimeOffset Midnight(DateOnly day) => new(day.Year, day.Month, day.Day, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// What a reader sees: an open hold past its expiry reads expired, and so does one released
    /// only once it had expired (a release after expiry answers <c>expired</c>).
    /// </summary>
    public static ReservationState StateAt(ModelHoldState state, DateTimeOffset expiresAt, DateTimeOffset? closedAt, DateTimeOffset now) => state switch
    {
        ModelHoldState.Reserved => expiresAt > now ? ReservationState.Reserved : ReservationState.Expired,
        ModelHoldState.Committed => ReservationState.Committed,
        ModelHoldState.Released => closedAt < expiresAt ? ReservationState.Released : ReservationState.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown state"),
    };
}
