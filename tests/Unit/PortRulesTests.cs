using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;
using Metering.Grains.Ports;
using Metering.Grains.Time;

namespace Metering.Tests.Unit;

public sealed class PortRulesTests
{
    private static readonly PortBudget Enabled = new(true, 100, 500, BudgetPeriod.Month);

    [Theory]
    // used, held, estimate -> outcome (soft 100, hard 500)
    [InlineData(0L, 0L, 0L, Outcome.Created)]
    [InlineData(0L, 0L, 500L, Outcome.Created)]                 // exactly the cap
    [InlineData(0L, 0L, 501L, Outcome.EstimatedExceedsCap)]
    [InlineData(499L, 0L, 1L, Outcome.Created)]
    [InlineData(499L, 0L, 2L, Outcome.EstimatedExceedsCap)]
    [InlineData(500L, 0L, 0L, Outcome.HardCapExceeded)]         // nothing remains, even for 0
    [InlineData(500L, 0L, 1L, Outcome.HardCapExceeded)]
    [InlineData(600L, 0L, 1L, Outcome.HardCapExceeded)]         // past the cap (commits may pass it)
    [InlineData(300L, 200L, 1L, Outcome.HardCapExceeded)]       // holds count
    [InlineData(300L, 199L, 1L, Outcome.Created)]
    [InlineData(300L, 199L, 2L, Outcome.EstimatedExceedsCap)]
    public void Decide_EnabledBudget_BoundaryTable(long used, long held, long estimate, Outcome outcome)
    {
        Assert.Equal(outcome, PortRules.Decide(Enabled, used, held, estimate));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(10_000_000L)]
    public void Decide_DisabledBudget_AllowsEverything(long used)
    {
        var disabled = Enabled with { Enabled = false };

        Assert.Equal(Outcome.Created, PortRules.Decide(disabled, used, held: used, estimate: Limits.MaxAmount));
        Assert.Null(PortRules.Remaining(disabled, used, 0));
        Assert.False(PortRules.SoftCapReached(disabled, used));
    }

    [Theory]
    [InlineData(99L, false)]
    [InlineData(100L, true)]
    [InlineData(101L, true)]
    public void SoftCap_IsReachedAtTheCap(long used, bool reached)
    {
        Assert.Equal(reached, PortRules.SoftCapReached(Enabled, used));
    }

    [Theory]
    [InlineData(0L, 0L, 500L)]
    [InlineData(450L, 40L, 10L)]
    [InlineData(450L, 60L, 0L)]      // never below 0
    public void Remaining_IsCapMinusUseAndHolds(long used, long held, long remaining)
    {
        Assert.Equal(remaining, PortRules.Remaining(Enabled, used, held));
    }

    [Fact]
    public void Patch_MergesOnlyTheGivenMembers()
    {
        var (budget, errors) = new PortBudgetPatch(HardCapTokens: 900_000).ApplyTo(PortBudget.Default);

        Assert.Null(errors);
        Assert.Equal(PortBudget.Default with { HardCapTokens = 900_000 }, budget);
    }

    [Theory]
    [InlineData(-1L, null, "softCapTokens")]
    [InlineData(null, -1L, "hardCapTokens")]
    [InlineData(600_000L, null, "softCapTokens")]   // above the default hard cap after merging
    [InlineData(null, 99_999L, "softCapTokens")]    // below the default soft cap after merging
    public void Patch_Invalid_NamesTheField(long? soft, long? hard, string field)
    {
        var (budget, errors) = new PortBudgetPatch(SoftCapTokens: soft, HardCapTokens: hard).ApplyTo(PortBudget.Default);

        Assert.Null(budget);
        Assert.Contains(field, errors!.Fields.Keys);
    }

    [Fact]
    public void Patch_UnknownPeriod_IsRefused()
    {
        var (_, errors) = new PortBudgetPatch(Period: (BudgetPeriod)9).ApplyTo(PortBudget.Default);

        Assert.Contains("period", errors!.Fields.Keys);
    }

    [Theory]
    [InlineData("2026-11-23T23:59:59Z", BudgetPeriod.Day, "2026-11-23")]
    [InlineData("2026-11-24T00:00:00Z", BudgetPeriod.Day, "2026-11-24")]
    [InlineData("2026-11-29T23:59:59Z", BudgetPeriod.Week, "2026-11-23")]   // Sunday belongs to the week of Monday the 23rd
    [InlineData("2026-11-30T00:00:00Z", BudgetPeriod.Week, "2026-11-30")]   // Monday starts a new week
    [InlineData("2026-11-23T00:00:00Z", BudgetPeriod.Week, "2026-11-23")]
    [InlineData("2026-11-30T23:59:59Z", BudgetPeriod.Month, "2026-11-01")]
    [InlineData("2026-12-01T00:00:00Z", BudgetPeriod.Month, "2026-12-01")]
    [InlineData("2028-02-29T12:00:00Z", BudgetPeriod.Month, "2028-02-01")]  // leap day
    [InlineData("2028-02-29T12:00:00Z", BudgetPeriod.Week, "2028-02-28")]
    [InlineData("2028-03-01T00:00:00Z", BudgetPeriod.Month, "2028-03-01")]
    [InlineData("2027-01-03T10:00:00+05:00", BudgetPeriod.Week, "2026-12-28")] // offsets are read as UTC; weeks cross years
    public void PeriodStart_EdgeTable(string at, BudgetPeriod period, string start)
    {
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            UtcCalendar.PeriodStart(period, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("2026-11-23T23:59:59.999Z", BudgetPeriod.Day, "2026-11-24T00:00:00Z")]
    [InlineData("2026-11-24T00:00:00Z", BudgetPeriod.Day, "2026-11-25T00:00:00Z")]
    [InlineData("2026-11-29T23:59:59.999Z", BudgetPeriod.Week, "2026-11-30T00:00:00Z")] // Sunday's week ends at Monday 00:00
    [InlineData("2026-11-30T00:00:00Z", BudgetPeriod.Week, "2026-12-07T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59.999Z", BudgetPeriod.Month, "2027-01-01T00:00:00Z")] // across a year
    [InlineData("2026-12-31T12:00:00Z", BudgetPeriod.Day, "2027-01-01T00:00:00Z")]
    [InlineData("2028-02-29T12:00:00Z", BudgetPeriod.Month, "2028-03-01T00:00:00Z")]  // leap day
    [InlineData("2027-01-03T10:00:00+05:00", BudgetPeriod.Week, "2027-01-04T00:00:00Z")] // offsets are read as UTC
    public void PeriodEnd_IsTheNextPeriodsStart(string at, BudgetPeriod period, string end)
    {
        var instant = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        var expected = DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, UtcCalendar.PeriodEnd(period, instant));
        Assert.Equal(UtcCalendar.StartOf(UtcCalendar.PeriodStart(period, expected)), UtcCalendar.PeriodEnd(period, instant));
    }

    [Fact]
    public void UsageFits_KeepsTheWindowWithin10To18()
    {
        var book = new PortUsageBook();
        book.Add(new DateOnly(2026, 11, 1), "chat", PortRules.MaxWindowTokens - 10, 1);

        Assert.True(PortRules.UsageFits(book, 10));
        Assert.False(PortRules.UsageFits(book, 11));
    }

    [Fact]
    public void UsageBook_SumsPeriodsAndFeatures_AndPrunesOldDays()
    {
        var book = new PortUsageBook();
        var day = new DateOnly(2026, 11, 23);
        book.Add(day.AddDays(-40), "old", 1000, 1);
        book.Add(day.AddDays(-1), "chat", 10, 1);
        book.Add(day, "chat", 5, 2);
        book.Add(day, "search", 7, 1);

        Assert.Equal(22, book.Used(day.AddDays(-1)));
        Assert.Equal(12, book.Used(day));
        Assert.Equal(15, book.UsedFor(day.AddDays(-1), "chat"));
        Assert.Equal([new PortFeatureUsage("chat", 5, 2), new PortFeatureUsage("search", 7, 1)], book.Breakdown(day));

        book.Prune(day.AddDays(-30));

        Assert.False(book.Knows("old"));
        Assert.Equal(2, book.Features);
        Assert.Equal(22, book.Used(DateOnly.MinValue));
    }
}
