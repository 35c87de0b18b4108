using Metering.Grains.Engine;

namespace Metering.Tests.Unit;

/// <summary>
/// What an account remembers of finished work: it forgets past its capacity, past its age, and
/// under silo-wide pressure down to a floor; never what is not durable yet; and gives its count
/// back to the silo when released.
/// </summary>
public sealed class BoundedCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PastItsCapacity_ForgetsTheOldest()
    {
        var silo = new RememberedEntries(1_000);
        var cache = new BoundedCache<string, int>(capacity: 3, TimeSpan.FromHours(1), silo, floor: 1);
        for (int i = 0; i < 5; i++)
        {
            cache.Set($"k{i}", i, seq: 0, T0, durableSeq: 0);
        }

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("k1", out _));
        Assert.True(cache.TryGet("k2", out _));
        Assert.True(cache.HasEvicted);
        Assert.Equal(3, silo.Count);
    }

    [Fact]
    public void PastItsAge_ForgetsWhatIsOlder_KeepsWhatIsNot()
    {
        var silo = new RememberedEntries(1_000);
        var cache = new BoundedCache<string, int>(capacity: 100, TimeSpan.FromMinutes(10), silo, floor: 1);
        cache.Set("old", 1, 0, T0, 0);
        cache.Set("recent", 2, 0, T0.AddMinutes(5), 0);

        cache.Trim(durableSeq: 0, T0.AddMinutes(11));

        Assert.False(cache.TryGet("old", out _));
        Assert.True(cache.TryGet("recent", out _));
        Assert.Equal(1, silo.Count);
    }

    [Fact]
    public void SiloOverItsBound_EveryAccountForgetsDownToTheFloor()
    {
        var silo = new RememberedEntries(bound: 10);
        var busy = new BoundedCache<string, int>(capacity: 100, TimeSpan.FromHours(1), silo, floor: 4);
        for (int i = 0; i < 10; i++)
        {
            busy.Set($"k{i}", i, 0, T0, 0);
        }

        Assert.Equal(10, busy.Count); // at the bound, not over it
        var other = new BoundedCache<string, int>(capacity: 100, TimeSpan.FromHours(1), silo, floor: 4);
        other.Set("x", 1, 0, T0, 0); // the silo is over: this account keeps it (under its floor)...
        busy.Trim(0, T0); // ...and the busy one forgets down to the bound

        Assert.Equal(1, other.Count);
        Assert.Equal(9, busy.Count);
        Assert.Equal(10, silo.Count);
    }

    [Fact]
    public void NeverForgets_WhatIsNotDurableYet()
    {
        var silo = new RememberedEntries(bound: 0);
        var cache = new BoundedCache<string, int>(capacity: 1, TimeSpan.Zero, silo, floor: 0);
        cache.Set("durable", 1, seq: 1, T0, durableSeq: 0);
        cache.Set("staged", 2, seq: 2, T0, durableSeq: 0);

        Assert.Equal(2, cache.Count); // over every bound, but nothing is committed yet

        cache.Trim(durableSeq: 1, T0);
        Assert.False(cache.TryGet("durable", out _));
        Assert.True(cache.TryGet("staged", out _));

        cache.Trim(durableSeq: 2, T0);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void SetAgain_CountsFromItsNewPlace()
    {
        var silo = new RememberedEntries(1_000);
        var cache = new BoundedCache<string, int>(capacity: 2, TimeSpan.FromHours(1), silo, floor: 1);
        cache.Set("a", 1, 0, T0, 0);
        cache.Set("b", 2, 0, T0, 0);
        cache.Set("a", 3, 0, T0, 0); // a is now the newest
        cache.Set("c", 4, 0, T0, 0);

        Assert.True(cache.TryGet("a", out int a));
        Assert.Equal(3, a);
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(2, silo.Count);
    }

    [Fact]
    public void Release_GivesItsCountBackToTheSiloOnce_AndKeepsEntriesReadable()
    {
        var silo = new RememberedEntries(1_000);
        var cache = new BoundedCache<string, int>(capacity: 2, TimeSpan.FromHours(1), silo, floor: 1);
        cache.Set("a", 1, 0, T0, 0);
        cache.Set("b", 2, 0, T0, 0);

        cache.Release();
        cache.Release();
        Assert.Equal(0, silo.Count);
        Assert.True(cache.TryGet("a", out _)); // a call still finishing on the dropped ledger reads it

        cache.Set("c", 3, 0, T0, 0); // set on a dropped ledger (and "a" forgotten): counts nothing
        Assert.Equal(0, silo.Count);
    }
}
