using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Admin;
using Metering.Grains.Time;
using Microsoft.Extensions.Time.Testing;

namespace Metering.Tests.Unit;

/// <summary>
/// A silo's board of the accounts nearest their limits: fullest first, bounded, and never showing
/// an account with no limit, nothing used, or a period that has ended.
/// </summary>
public sealed class NearLimitBoardTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void Snapshot_IsFullestFirst_WithTheLatestReadingOfEachAccount()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        board.Tell("pool", "a", Reading("pool", "a", 50, 100));
        board.Tell("port", "b", Reading("port", "b", 90, 100));
        board.Tell("install", "c", Reading("install", "c", 70, 100));
        board.Tell("pool", "a", Reading("pool", "a", 95, 100));

        Assert.Equal(["pool/a", "port/b", "install/c"], board.Snapshot().Select(Name));
        Assert.Equal(0.95, board.Snapshot()[0].Fraction);
    }

    [Fact]
    public void NoLimitOrNothingUsed_TakesTheAccountOff()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        board.Tell("pool", "a", Reading("pool", "a", 50, 100));
        board.Tell("port", "b", Reading("port", "b", 50, 100));
        board.Tell("install", "c", Reading("install", "c", 0, 100));

        board.Tell("pool", "a", NearLimit.Of("pool", "a", 50, 0, NearLimit.Micros, Start, null)); // limit set to 0: none
        board.Tell("port", "b", Reading("port", "b", 0, 100)); // a new period: nothing used yet

        Assert.Null(NearLimit.Of("pool", "a", 50, 0, NearLimit.Micros, Start, null));
        Assert.Empty(board.Snapshot());
    }

    [Fact]
    public void Full_KeepsTheFullest_AndAnEmptierNewcomerStaysOut()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        for (int i = 1; i <= Limits.NearLimitsTracked; i++)
        {
            board.Tell("pool", $"p{i}", Reading("pool", $"p{i}", i, 1_000));
        }

        board.Tell("pool", "emptier", Reading("pool", "emptier", 1, 1_000)); // ties the emptiest: stays out
        board.Tell("pool", "fuller", Reading("pool", "fuller", 500, 1_000)); // takes p1's place
        board.Tell("pool", "p2", Reading("pool", "p2", 2, 1_000)); // a kept account is updated in place

        var ids = board.Snapshot().Select(r => r.Id).ToList();
        Assert.Equal(Limits.NearLimitsTracked, ids.Count);
        Assert.Equal("fuller", ids[0]);
        Assert.DoesNotContain("emptier", ids);
        Assert.DoesNotContain("p1", ids);
        Assert.Contains("p2", ids);
    }

    [Fact]
    public void AReadingWhosePeriodEnded_IsNotShown_AndIsTheFirstToMakeRoom()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        var tomorrow = Start.AddHours(12);
        board.Tell("port", "daily", Reading("port", "daily", 999, 1_000, resetsAt: tomorrow));
        for (int i = 1; i < Limits.NearLimitsTracked; i++)
        {
            board.Tell("pool", $"p{i}", Reading("pool", $"p{i}", 100 + i, 1_000));
        }

        Assert.Equal("daily", board.Snapshot()[0].Id);
        board.Tell("pool", "probe", Reading("pool", "probe", 1, 1_000)); // full, and emptier than every live reading
        Assert.DoesNotContain(board.Snapshot(), r => r.Id == "probe");

        _time.SetUtcNow(tomorrow);
        Assert.DoesNotContain(board.Snapshot(), r => r.Id == "daily");
        board.Tell("pool", "late", Reading("pool", "late", 1, 1_000)); // the ended reading makes room
        Assert.Contains(board.Snapshot(), r => r.Id == "late");
        Assert.Equal(Limits.NearLimitsTracked, board.Snapshot().Count);
    }

    [Fact]
    public void ForgetKind_TakesOnlyThatKindOff()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        board.Tell("install", "a", Reading("install", "a", 5, 10));
        board.Tell("pool", "b", Reading("pool", "b", 5, 10));

        board.ForgetKind("install");

        Assert.Equal(["pool/b"], board.Snapshot().Select(Name));
    }

    private static NearLimit Reading(string kind, string id, long used, long limit, DateTimeOffset? resetsAt = null) =>
        NearLimit.Of(kind, id, used, limit, NearLimit.Tokens, Start, resetsAt)!;

    private static string Name(NearLimit reading) => $"{reading.Kind}/{reading.Id}";
}
