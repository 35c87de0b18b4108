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
        Tell(board, "pool", "a", Reading("pool", "a", 50, 100));
        Tell(board, "port", "b", Reading("port", "b", 90, 100));
        Tell(board, "install", "c", Reading("install", "c", 70, 100));
        Tell(board, "pool", "a", Reading("pool", "a", 95, 100));

        Assert.Equal(["pool/a", "port/b", "install/c"], board.Snapshot().Select(Name));
        Assert.Equal(0.95, board.Snapshot()[0].Fraction);
    }

    [Fact]
    public void NoLimitOrNothingUsed_TakesTheAccountOff()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        Tell(board, "pool", "a", Reading("pool", "a", 50, 100));
        Tell(board, "port", "b", Reading("port", "b", 50, 100));
        Tell(board, "install", "c", Reading("install", "c", 0, 100));

        Tell(board, "pool", "a", NearLimit.Of("pool", "a", 50, 0, NearLimit.Micros, Start, null)); // limit set to 0: none
        Tell(board, "port", "b", Reading("port", "b", 0, 100)); // a new period: nothing used yet

        Assert.Null(NearLimit.Of("pool", "a", 50, 0, NearLimit.Micros, Start, null));
        Assert.Empty(board.Snapshot());
    }

    [Fact]
    public void Full_KeepsTheFullest_AndAnEmptierNewcomerStaysOut()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        for (int i = 1; i <= Limits.NearLimitsTracked; i++)
        {
            Tell(board, "pool", $"p{i}", Reading("pool", $"p{i}", i, 1_000));
        }

        Tell(board, "pool", "emptier", Reading("pool", "emptier", 1, 1_000)); // ties the emptiest: stays out
        Tell(board, "pool", "fuller", Reading("pool", "fuller", 500, 1_000)); // takes p1's place
        Tell(board, "pool", "p2", Reading("pool", "p2", 1, 1_000)); // a kept account is updated in place, even emptier
        Tell(board, "pool", "between", Reading("pool", "between", 2, 1_000)); // fuller than p2 now: takes its place

        var ids = board.Snapshot().Select(r => r.Id).ToList();
        Assert.Equal(Limits.NearLimitsTracked, ids.Count);
        Assert.Equal("fuller", ids[0]);
        Assert.DoesNotContain("emptier", ids);
        Assert.DoesNotContain("p1", ids);
        Assert.DoesNotContain("p2", ids);
        Assert.Equal("between", ids[^1]);
    }

    [Fact]
    public void AReadingOfAnEarlierGeneration_IsDropped_AndForgetTakesOneAccountOff()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        long before = board.Generation("install");
        Tell(board, "install", "kept", Reading("install", "kept", 5, 10));

        board.ForgetKind("install"); // a tier quota changed while a reading was being computed
        board.Tell("install", "late", Reading("install", "late", 9, 10), before);
        Tell(board, "install", "new", Reading("install", "new", 8, 10));
        Tell(board, "pool", "gone", Reading("pool", "gone", 8, 10));
        board.Forget("pool", "gone");

        Assert.Equal(["install/new"], board.Snapshot().Select(Name));
    }

    [Fact]
    public void Merge_TakesTheNewestReadingOfEachAccount_ThenDropsEndedPeriods()
    {
        var tomorrow = Start.AddDays(1);
        NearLimit[] reported =
        [
            NearLimit.Of("port", "moved", 90, 100, NearLimit.Tokens, Start, tomorrow)!, // the silo it left
            NearLimit.Of("port", "moved", 10, 100, NearLimit.Tokens, Start.AddMinutes(1), Start.AddMinutes(2))!, // its new silo, daily budget
            NearLimit.Of("pool", "a", 50, 100, NearLimit.Micros, Start, null)!,
            NearLimit.Of("pool", "b", 70, 100, NearLimit.Micros, Start, null)!,
        ];

        Assert.Equal(["pool/b", "pool/a", "port/moved"], NearLimitBoard.Merge(reported, Start.AddMinutes(1), 10).Select(Name));
        Assert.Equal([0.7, 0.5, 0.1], NearLimitBoard.Merge(reported, Start.AddMinutes(1), 10).Select(n => n.Fraction));
        // The newest reading's period ended: the older, fuller one from the silo it left never comes back.
        Assert.Equal(["pool/b", "pool/a"], NearLimitBoard.Merge(reported, Start.AddMinutes(3), 10).Select(Name));
        Assert.Equal(["pool/b"], NearLimitBoard.Merge(reported, Start.AddMinutes(1), 1).Select(Name));
    }

    [Fact]
    public void AReadingWhosePeriodEnded_IsNotShown_AndIsTheFirstToMakeRoom()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        var tomorrow = Start.AddHours(12);
        Tell(board, "port", "daily", Reading("port", "daily", 999, 1_000, resetsAt: tomorrow));
        for (int i = 1; i < Limits.NearLimitsTracked; i++)
        {
            Tell(board, "pool", $"p{i}", Reading("pool", $"p{i}", 100 + i, 1_000));
        }

        Assert.Equal("daily", board.Snapshot()[0].Id);
        Tell(board, "pool", "probe", Reading("pool", "probe", 1, 1_000)); // full, and emptier than every live reading
        Assert.DoesNotContain(board.Snapshot(), r => r.Id == "probe");

        _time.SetUtcNow(tomorrow);
        Assert.DoesNotContain(board.Snapshot(), r => r.Id == "daily");
        Tell(board, "pool", "late", Reading("pool", "late", 1, 1_000)); // the ended reading makes room
        Assert.Contains(board.Snapshot(), r => r.Id == "late");
        Assert.Equal(Limits.NearLimitsTracked, board.Snapshot().Count);
    }

    [Fact]
    public void ForgetKind_TakesOnlyThatKindOff()
    {
        var board = new NearLimitBoard(new LedgerClock(_time));
        Tell(board, "install", "a", Reading("install", "a", 5, 10));
        Tell(board, "pool", "b", Reading("pool", "b", 5, 10));

        board.ForgetKind("install");

        Assert.Equal(["pool/b"], board.Snapshot().Select(Name));
    }

    private static void Tell(NearLimitBoard board, string kind, string id, NearLimit? reading) =>
        board.Tell(kind, id, reading, board.Generation(kind));

    private static NearLimit Reading(string kind, string id, long used, long limit, DateTimeOffset? resetsAt = null) =>
        NearLimit.Of(kind, id, used, limit, NearLimit.Tokens, Start, resetsAt)!;

    private static string Name(NearLimit reading) => $"{reading.Kind}/{reading.Id}";
}
