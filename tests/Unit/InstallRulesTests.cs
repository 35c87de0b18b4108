using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Installs;

namespace Metering.Tests.Unit;

public sealed class InstallRulesTests
{
    private static readonly InstallAccount Blank = InstallAccount.Blank("2026-11");

    [Theory]
    // remaining, geminiRemaining, credits, hasHardware -> outcome, backend
    [InlineData(null, null, 1L, false, Outcome.Created, Backend.Gemini)]          // unlimited, no cap
    [InlineData(100L, null, 1L, false, Outcome.Created, Backend.Gemini)]
    [InlineData(1L, null, 1L, false, Outcome.Created, Backend.Gemini)]            // exactly enough
    [InlineData(0L, null, 1L, true, Outcome.OutOfCredits, Backend.Gemini)]        // nothing remains
    [InlineData(0L, null, 0L, true, Outcome.OutOfCredits, Backend.Gemini)]        // nothing remains, even for 0
    [InlineData(2L, null, 3L, true, Outcome.OutOfCredits, Backend.Gemini)]        // not enough for the whole call
    [InlineData(10L, 5L, 5L, false, Outcome.Created, Backend.Gemini)]             // gemini cap exactly enough
    [InlineData(10L, 4L, 5L, true, Outcome.Created, Backend.Hardware)]           // cap too small: hardware
    [InlineData(10L, 4L, 5L, false, Outcome.GeminiCapExceededNoHardware, Backend.Gemini)]
    [InlineData(10L, 0L, 1L, true, Outcome.Created, Backend.Hardware)]
    [InlineData(10L, 0L, 1L, false, Outcome.GeminiCapExceededNoHardware, Backend.Gemini)]
    [InlineData(null, 0L, 1L, false, Outcome.GeminiCapExceededNoHardware, Backend.Gemini)] // unlimited but capped gemini
    [InlineData(null, 0L, 1L, true, Outcome.Created, Backend.Hardware)]
    [InlineData(0L, 0L, 1L, true, Outcome.OutOfCredits, Backend.Gemini)]          // credits are checked first
    public void Decide_FollowsTheReferenceOrder(long? remaining, long? gemini, long credits, bool hardware, Outcome outcome, Backend backend)
    {
        var decision = InstallRules.Decide(new InstallBalance(remaining, gemini), credits, hardware);

        Assert.Equal(outcome, decision.Outcome);
        if (outcome == Outcome.Created)
        {
            Assert.Equal(backend, decision.Backend);
        }
    }

    [Fact]
    public void Balance_LifetimeQuota_UsesLifetimeCountersAndHolds()
    {
        var account = Blank with { LifetimeConsumed = 30, LifetimeGeminiConsumed = 20, MonthlyConsumed = 999 };
        var quota = new TierQuota(100, null, 50, null);

        var balance = InstallRules.Balance(account, quota, reserved: 10, geminiReserved: 5);

        Assert.Equal(60, balance.Remaining);
        Assert.Equal(25, balance.GeminiRemaining);
    }

    [Fact]
    public void Balance_MonthlyQuota_UsesMonthlyCounters()
    {
        var account = Blank with { LifetimeConsumed = 999, MonthlyConsumed = 400, MonthlyGeminiConsumed = 100 };
        var quota = new TierQuota(null, 1000, null, 300);

        var balance = InstallRules.Balance(account, quota, reserved: 0, geminiReserved: 50);

        Assert.Equal(600, balance.Remaining);
        Assert.Equal(150, balance.GeminiRemaining);
    }

    [Fact]
    public void Balance_Unlimited_IsNull()
    {
        var balance = InstallRules.Balance(Blank with { MonthlyConsumed = 5 }, TierQuota.DefaultFor(Tier.Max), 7, 0);

        Assert.Null(balance.Remaining);
        Assert.Null(balance.GeminiRemaining);
    }

    [Fact]
    public void Balance_AfterOverspendingCommit_ReadsZeroNotNegative()
    {
        var balance = InstallRules.Balance(Blank with { LifetimeConsumed = 130 }, TierQuota.DefaultFor(Tier.Core), 0, 0);

        Assert.Equal(0, balance.Remaining);
    }

    [Fact]
    public void InMonth_NewMonth_ZeroesMonthlyCountersAndKeepsLifetime()
    {
        var october = Blank with { Month = "2026-10", LifetimeConsumed = 7, LifetimeGeminiConsumed = 3, MonthlyConsumed = 5, MonthlyGeminiConsumed = 2 };

        var november = InstallRules.InMonth(october, "2026-11");

        Assert.Equal(Blank with { LifetimeConsumed = 7, LifetimeGeminiConsumed = 3 }, november);
    }

    [Fact]
    public void InMonth_SameMonth_ChangesNothing()
    {
        var account = Blank with { MonthlyConsumed = 5 };

        Assert.Same(account, InstallRules.InMonth(account, "2026-11"));
    }

    [Theory]
    [InlineData("2026-10")]
    [InlineData("2025-12")]
    public void InMonth_ClockBehindTheAccountsMonth_KeepsItsCounters(string earlierMonth)
    {
        var account = Blank with { MonthlyConsumed = 5, MonthlyGeminiConsumed = 2 };

        Assert.Same(account, InstallRules.InMonth(account, earlierMonth));
    }

    [Fact]
    public void InMonth_NewYear_RollsForward()
    {
        var december = Blank with { Month = "2026-12", MonthlyConsumed = 5 };

        Assert.Equal(Blank with { Month = "2027-01" }, InstallRules.InMonth(december, "2027-01"));
    }

    [Theory]
    [InlineData(Backend.Gemini, 3, 3, 0, 0)]
    [InlineData(Backend.Hardware, 3, 0, 0, 0)]
    public void Consume_Lifetime_CountsGeminiOnlyForGemini(Backend backend, long credits, long gemini, long monthly, long monthlyGemini)
    {
        var after = InstallRules.Consume(Blank, TierQuota.DefaultFor(Tier.Core), backend, credits);

        Assert.Equal(credits, after.LifetimeConsumed);
        Assert.Equal(gemini, after.LifetimeGeminiConsumed);
        Assert.Equal(monthly, after.MonthlyConsumed);
        Assert.Equal(monthlyGemini, after.MonthlyGeminiConsumed);
    }

    [Fact]
    public void Consume_Monthly_LeavesLifetimeAlone()
    {
        var after = InstallRules.Consume(Blank, TierQuota.DefaultFor(Tier.Pro), Backend.Gemini, 4);

        Assert.Equal(Blank with { MonthlyConsumed = 4, MonthlyGeminiConsumed = 4 }, after);
    }

    [Fact]
    public void ConsumeFits_KeepsCountersWithin10To18()
    {
        var account = Blank with { LifetimeConsumed = InstallRules.MaxCounter - 5 };

        Assert.True(InstallRules.ConsumeFits(account, 5));
        Assert.False(InstallRules.ConsumeFits(account, 6));
        Assert.False(InstallRules.ConsumeFits(Blank with { MonthlyConsumed = InstallRules.MaxCounter }, 1));
    }

    [Fact]
    public void AfterHold_GeminiHoldReducesBoth_HardwareHoldOnlyRemaining()
    {
        var balance = new InstallBalance(10, 4);

        Assert.Equal(new InstallBalance(8, 2), InstallRules.AfterHold(balance, 2, Backend.Gemini));
        Assert.Equal(new InstallBalance(8, 4), InstallRules.AfterHold(balance, 2, Backend.Hardware));
        Assert.Equal(new InstallBalance(null, null), InstallRules.AfterHold(new InstallBalance(null, null), 2, Backend.Gemini));
    }

    /// <summary>
    /// A seeded model check: random reserve/commit/release sequences against the rules never let
    /// consumed plus held pass the quota through reserves (commits may, by design).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomReserves_NeverHoldPastTheQuota(int seed)
    {
        var random = new Random(seed);
        var quota = new TierQuota(random.Next(1, 200), null, random.Next(0, 100), null);
        var account = Blank;
        var holds = new List<(long Credits, Backend Backend)>();
        for (int step = 0; step < 2000; step++)
        {
            long reserved = holds.Sum(h => h.Credits);
            long geminiReserved = holds.Where(h => h.Backend == Backend.Gemini).Sum(h => h.Credits);
            int action = random.Next(3);
            if (action == 0 || holds.Count == 0)
            {
                long credits = random.Next(0, 6);
                var balance = InstallRules.Balance(account, quota, reserved, geminiReserved);
                var (outcome, backend) = InstallRules.Decide(balance, credits, hasHardware: random.Next(2) == 0);
                if (outcome == Outcome.Created)
                {
                    holds.Add((credits, backend));
                    Assert.True(account.LifetimeConsumed + reserved + credits <= quota.Lifetime);
                    if (backend == Backend.Gemini)
                    {
                        Assert.True(account.LifetimeGeminiConsumed + geminiReserved + credits <= quota.GeminiCapLifetime);
                    }
                }
            }
            else
            {
                int index = random.Next(holds.Count);
                var hold = holds[index];
                holds.RemoveAt(index);
                if (action == 1)
                {
                    account = InstallRules.Consume(account, quota, hold.Backend, hold.Credits);
                }
            }
        }
    }
}
