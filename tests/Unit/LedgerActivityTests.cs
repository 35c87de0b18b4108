using Metering.Grains.Admin;
using Metering.Grains.Engine;
using Microsoft.Extensions.Time.Testing;

namespace Metering.Tests.Unit;

/// <summary>
/// The in-process activity window behind the overview: it counts the ledger's own measurements
/// for 60 whole seconds and then forgets them. Each test uses a kind of its own, because the
/// ledger's meter is process-wide and other tests record on it at the same time.
/// </summary>
public sealed class LedgerActivityTests
{
    [Fact]
    public void Snapshot_CountsWholeSecondsOfTheWindow_ThenForgetsThem()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var activity = new LedgerActivity(time);
        string kind = $"test-{Guid.NewGuid():N}";

        LedgerMetrics.Answered(kind, "reserve", "Created");
        LedgerMetrics.Answered(kind, "reserve", "Created");
        LedgerMetrics.Answered(kind, "reserve", "QuotaInsufficient");
        var sameSecond = activity.Snapshot("s1");
        time.Advance(TimeSpan.FromSeconds(1));
        var next = activity.Snapshot("s1");
        time.Advance(TimeSpan.FromSeconds(59));
        var lastOfWindow = activity.Snapshot("s1");
        time.Advance(TimeSpan.FromSeconds(1));
        var past = activity.Snapshot("s1");

        long Count(Metering.GrainInterfaces.Admin.SiloActivity a, string outcome) =>
            a.Operations.Where(o => o.Kind == kind && o.Outcome == outcome).Sum(o => o.Count);
        Assert.Equal(0, Count(sameSecond, "Created")); // the current second is not whole yet
        Assert.Equal((2, 1), (Count(next, "Created"), Count(next, "QuotaInsufficient")));
        Assert.Equal(2, Count(lastOfWindow, "Created"));
        Assert.Equal(0, Count(past, "Created"));
        Assert.Equal(("s1", 60), (next.Silo, next.WindowSeconds));
    }
}
