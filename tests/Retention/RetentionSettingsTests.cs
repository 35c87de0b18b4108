using Metering.GrainInterfaces.Common;
using Metering.Grains.Retention;
using Metering.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Metering.Tests.Retention;

/// <summary>The retention settings: their bounds, the silo refusing to start below the contract, and the cutoffs they give.</summary>
public sealed class RetentionSettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(int.MinValue, false)]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(23, false)]                          // below API.md's 24 hours
    [InlineData(24, true)]
    [InlineData(48, true)]
    [InlineData(Limits.MaxRetentionDays * 24, true)]
    [InlineData(Limits.MaxRetentionDays * 24 + 1, false)]
    [InlineData(int.MaxValue, false)]
    public void RequestIdHours_BoundaryTable(int hours, bool accepted)
    {
        var error = Record.Exception(() => new RetentionSettings(requestIdHours: hours));

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            var refused = Assert.IsType<ArgumentOutOfRangeException>(error);
            Assert.Contains("Metering:Retention:RequestIdHours must be from 24 to", refused.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(Limits.MinUsageEventRetentionDays - 1, false)]
    [InlineData(Limits.MinUsageEventRetentionDays, true)]
    [InlineData(400, true)]
    [InlineData(Limits.MaxRetentionDays, true)]
    [InlineData(Limits.MaxRetentionDays + 1, false)]
    public void UsageEventDays_BoundaryTable(int days, bool accepted)
    {
        var error = Record.Exception(() => new RetentionSettings(usageEventDays: days));

        Assert.Equal(accepted, error is null);
    }

    [Theory]
    [InlineData(0, 60, false)]
    [InlineData(1, 60, true)]
    [InlineData(Limits.MaxRetentionIntervalMinutes, 60, true)]
    [InlineData(Limits.MaxRetentionIntervalMinutes + 1, 60, false)]
    [InlineData(15, 0, false)]
    [InlineData(15, 1, true)]
    [InlineData(15, Limits.MaxRetentionRunSeconds, true)]
    [InlineData(15, Limits.MaxRetentionRunSeconds + 1, false)]
    public void IntervalAndRunTime_BoundaryTable(int intervalMinutes, int maxRunSeconds, bool accepted)
    {
        var error = Record.Exception(() => new RetentionSettings(intervalMinutes: intervalMinutes, maxRunSeconds: maxRunSeconds));

        Assert.Equal(accepted, error is null);
    }

    [Fact]
    public void Silo_WithKeysKeptLessThanTheContract_RefusesToStartNamingTheSetting()
    {
        var config = Config(("Metering:Retention:RequestIdHours", "23"));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SiloSettings.From(config));

        Assert.Contains("Metering:Retention:RequestIdHours must be from 24", error.Message, StringComparison.Ordinal);
        Assert.Contains("not 23", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Silo_WithoutRetentionSettings_UsesTheDefaults()
    {
        var retention = SiloSettings.From(Config()).Retention;

        Assert.Equal((48, 400, 15, 60, true), (retention.RequestIdHours, retention.UsageEventDays, retention.IntervalMinutes, retention.MaxRunSeconds, retention.Enabled));
    }

    [Fact]
    public void Silo_ReadsEveryRetentionSetting()
    {
        var retention = SiloSettings.From(Config(
            ("Metering:Retention:RequestIdHours", "72"),
            ("Metering:Retention:UsageEventDays", "90"),
            ("Metering:Retention:IntervalMinutes", "5"),
            ("Metering:Retention:MaxRunSeconds", "20"),
            ("Metering:Retention:Enabled", "false"))).Retention;

        Assert.Equal((72, 90, 5, 20, false), (retention.RequestIdHours, retention.UsageEventDays, retention.IntervalMinutes, retention.MaxRunSeconds, retention.Enabled));
    }

    [Fact]
    public void Cutoffs_KeysByHours_EventsByDaysPlusTheMargin()
    {
        var settings = new RetentionSettings(requestIdHours: 30, usageEventDays: 100);

        Assert.Equal(Now.AddHours(-30), settings.KeyCutoff(Now));
        Assert.Equal(Now.AddDays(-100), settings.OldestAcceptedEvent(Now));
        Assert.Equal(Now.AddDays(-100).AddHours(-Limits.UsageEventDeleteMarginHours), settings.EventCutoff(Now));
        Assert.True(settings.EventCutoff(Now) < settings.OldestAcceptedEvent(Now), "an event is deleted only after ingest refuses its duplicates");
    }

    [Fact]
    public void Bounds_AgreeWithEachOther()
    {
        Assert.True(RetentionSettings.DefaultRequestIdHours >= Limits.RequestIdRetentionHours);
        Assert.True(Limits.RequestIdRetentionHours * 3600L >= Limits.MaxTtlSeconds, "a hold never outlives the shortest key retention");
        Assert.True(RetentionSettings.DefaultUsageEventDays >= Limits.MinUsageEventRetentionDays);
        Assert.True(RetentionSettings.DefaultUsageEventDays >= Limits.MaxInvoicePeriodDays / 2, "raw events cover at least a year of invoices");
        Assert.True(Limits.UsageEventDeleteMarginHours > 0);
        Assert.True(RetentionSettings.DefaultMaxRunSeconds <= Limits.MaxRetentionRunSeconds);
        Assert.True(Limits.RetentionStatementSeconds * 1000L > Limits.RetentionLockWaitMilliseconds, "a lock wait ends before the statement's time");
        Assert.True(Limits.RetentionBatchRows >= Limits.MaxFlushBatch, "a statement keeps pace with what one flush writes");
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))
                    .Append(KeyValuePair.Create("ConnectionStrings:Metering", (string?)"Host=localhost")))
            .Build();
}
