using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Retention;

/// <summary>
/// How long the ledger keeps what it may forget, and how often it cleans up (configuration section
/// <see cref="Section"/>). Checked when made: a setting that would break a promise of API.md (a
/// requestId remembered less than 24 hours after its last use) or pass a bound of
/// <see cref="Limits"/> throws, so a silo configured that way refuses to start. Immutable.
/// </summary>
public sealed class RetentionSettings
{
    /// <summary>The configuration section the silo reads these from (<c>Metering__Retention__*</c> in the environment).</summary>
    public const string Section = "Metering:Retention";

    /// <summary>
    /// Default hours a key is kept after its last use: twice the contract's 24. The second day is
    /// the margin for clock differences between silos, for a run that comes late, and for a
    /// relay that retries a little past a day.
    /// </summary>
    public const int DefaultRequestIdHours = 48;

    /// <summary>
    /// Default days raw usage events are kept: more than a year, so a gateway that resends a whole
    /// year's events (a replayed backlog) still gets "duplicate", and a year-over-year audit still
    /// finds the raw events. Rollups, which invoices read, are kept forever.
    /// </summary>
    public const int DefaultUsageEventDays = 400;

    /// <summary>Default minutes between two runs: often enough that one run's work is small.</summary>
    public const int DefaultIntervalMinutes = 15;

    /// <summary>Default seconds one run may keep deleting before it stops and leaves the rest to the next run.</summary>
    public const int DefaultMaxRunSeconds = 60;

    /// <summary>The defaults: clean-up on, keys 48 hours, usage events 400 days, every 15 minutes, at most 60 s a run.</summary>
    public static RetentionSettings Default { get; } = new();

    /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> naming the setting and its bounds.</summary>
    /// <param name="requestIdHours">Hours a key (requestId, and everything journaled under it) is kept after its last use; at least 24.</param>
    /// <param name="usageEventDays">Days a raw usage event is kept, counted from its occurredAt; older events are refused at ingest.</param>
    /// <param name="intervalMinutes">Minutes between two runs on a silo.</param>
    /// <param name="maxRunSeconds">Seconds one run may keep deleting.</param>
    /// <param name="enabled">False: the silo runs no clean-up (the ingest refusal of too-old events still applies).</param>
    public RetentionSettings(
        int requestIdHours = DefaultRequestIdHours,
        int usageEventDays = DefaultUsageEventDays,
        int intervalMinutes = DefaultIntervalMinutes,
        int maxRunSeconds = DefaultMaxRunSeconds,
        bool enabled = true)
    {
        Require(nameof(RequestIdHours), requestIdHours, Limits.RequestIdRetentionHours, Limits.MaxRetentionDays * 24,
            "API.md promises that a requestId is remembered at least 24 hours after its last use");
        Require(nameof(UsageEventDays), usageEventDays, Limits.MinUsageEventRetentionDays, Limits.MaxRetentionDays,
            "events older than this are refused, so it must outlast any gateway's resends");
        Require(nameof(IntervalMinutes), intervalMinutes, Limits.MinRetentionIntervalMinutes, Limits.MaxRetentionIntervalMinutes,
            "the time between two runs");
        Require(nameof(MaxRunSeconds), maxRunSeconds, 1, Limits.MaxRetentionRunSeconds,
            "the time one run may keep deleting");
        RequestIdHours = requestIdHours;
        UsageEventDays = usageEventDays;
        IntervalMinutes = intervalMinutes;
        MaxRunSeconds = maxRunSeconds;
        Enabled = enabled;
    }

    /// <summary>Hours a key is kept after its last use (at least <see cref="Limits.RequestIdRetentionHours"/>).</summary>
    public int RequestIdHours { get; }

    /// <summary>Days a raw usage event is kept, by its occurredAt.</summary>
    public int UsageEventDays { get; }

    /// <summary>Minutes between two runs on a silo.</summary>
    public int IntervalMinutes { get; }

    /// <summary>Seconds one run may keep deleting.</summary>
    public int MaxRunSeconds { get; }

    /// <summary>Whether the silo runs the clean-up at all.</summary>
    public bool Enabled { get; }

    public TimeSpan Interval => TimeSpan.FromMinutes(IntervalMinutes);

    public TimeSpan MaxRunTime => TimeSpan.FromSeconds(MaxRunSeconds);

    /// <summary>
    /// Keys whose every journal row is older than this (and whose hold, if any, closed or expired
    /// before it) may be deleted at <paramref name="now"/>.
    /// </summary>
    public DateTimeOffset KeyCutoff(DateTimeOffset now) => now - TimeSpan.FromHours(RequestIdHours);

    /// <summary>The oldest occurredAt an event may have to be accepted at <paramref name="now"/>.</summary>
    public DateTimeOffset OldestAcceptedEvent(DateTimeOffset now) => now - TimeSpan.FromDays(UsageEventDays);

    /// <summary>
    /// Events that happened before this may be deleted at <paramref name="now"/>: a margin
    /// (<see cref="Limits.UsageEventDeleteMarginHours"/>) older than what ingest refuses, so no
    /// silo, whatever its clock, still accepts a duplicate of an event once it is deleted.
    /// </summary>
    public DateTimeOffset EventCutoff(DateTimeOffset now) =>
        OldestAcceptedEvent(now) - TimeSpan.FromHours(Limits.UsageEventDeleteMarginHours);

    private static void Require(string name, int value, int min, int max, string why)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(
                name, value, $"{Section}:{name} must be from {min:N0} to {max:N0} ({why}), not {value:N0}.");
        }
    }
}
