namespace Metering.GrainInterfaces.Ports;

/// <summary>The calendar period a port's budget counts over, in UTC, computed from the clock at read time.</summary>
[GenerateSerializer, Alias("Metering.BudgetPeriod")]
public enum BudgetPeriod
{
    /// <summary>From 00:00 UTC today.</summary>
    Day = 0,

    /// <summary>From Monday 00:00 UTC this week.</summary>
    Week = 1,

    /// <summary>From the 1st of this month, 00:00 UTC.</summary>
    Month = 2,
}
