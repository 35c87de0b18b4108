using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.Tests.Models;
using Metering.Tests.Support;

namespace Metering.Tests.Cluster;

/// <summary>
/// A seeded model-based test: random reserve / commit / release / clock moves on one pool,
/// each answer and the balance checked against a simple model after every step. One theory row
/// per seed (the seed is in its name); <see cref="ModelSeeds"/> says how to run one seed alone or many more.
/// </summary>
public sealed class PoolModelTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private enum HoldState { Reserved, Committed, Released }

    private sealed record ModelHold(long Amount, DateTimeOffset ExpiresAt, HoldState State, long? Actual);

    [Theory]
    [MemberData(nameof(ModelSeeds.Seeds), MemberType = typeof(ModelSeeds))]
    public async Task RandomLifecycles_MatchTheModel(int seed)
    {
        var random = new Random(seed);
        string id = $"model-{seed}-{Guid.NewGuid():N}";
        var pool = Fixture.Cluster.Client.GetGrain<IPoolGrain>(id);
        const long limit = 5_000;
        await pool.SetLimit(limit);
        long used = 0;
        var holds = new Dictionary<string, ModelHold>();

        for (int step = 0; step < 150; step++)
        {
            var now = ClusterFixture.Clock.GetUtcNow();
            long held = holds.Values.Where(h => h.State == HoldState.Reserved && h.ExpiresAt > now).Sum(h => h.Amount);
            int action = random.Next(10);
            string? known = holds.Count > 0 ? holds.Keys.ElementAt(random.Next(holds.Count)) : null;
            if (action < 4 || known is null)
            {
                string requestId = $"r{step}";
                long amount = random.Next(0, 1_500);
                int ttl = random.Next(1, 30);
                var result = await pool.Reserve(new PoolReserveRequest(requestId, amount, "chat", ttl));
                bool fits = used + held + amount <= limit;
                Assert.Equal(fits ? Outcome.Created : Outcome.QuotaInsufficient, result.Outcome);
                if (fits)
                {
                    holds[requestId] = new ModelHold(amount, result.Reservation!.ExpiresAt, HoldState.Reserved, null);
                    Assert.Equal(Math.Max(0, limit - used - held - amount), result.Reservation.RemainingMicros);
                }
            }
            else if (action < 7)
            {
                var hold = holds[known];
                long actual = hold.Actual ?? random.Next(0, 2_000);
                var result = await pool.Commit(new PoolCommitRequest(known, actual, 1, 1, "m"));
                switch (hold.State)
                {
                    case HoldState.Reserved:
                        Assert.Equal(Outcome.Ok, result.Outcome);
                        Assert.Equal(hold.ExpiresAt <= now, result.Receipt!.Late);
                        used += actual;
                        holds[known] = hold with { State = HoldState.Committed, Actual = actual };
                        break;
                    case HoldState.Committed:
                        Assert.Equal(Outcome.Replayed, result.Outcome);
                        break;
                    case HoldState.Released:
                        Assert.Equal(Outcome.ReservationNotOpen, result.Outcome);
                        break;
                }
            }
            else if (action < 9)
            {
                var hold = holds[known];
                var result = await pool.Release(known);
                switch (hold.State)
                {
                    case HoldState.Reserved:
                        Assert.Equal(Outcome.Ok, result.Outcome);
                        Assert.Equal(hold.ExpiresAt > now ? ReservationState.Released : ReservationState.Expired, result.Receipt!.State);
                        holds[known] = hold with { State = HoldState.Released };
                        break;
                    case HoldState.Committed:
                        Assert.Equal(Outcome.ReservationNotOpen, result.Outcome);
                        break;
                    case HoldState.Released:
                        Assert.Equal(Outcome.Replayed, result.Outcome);
                        break;
                }
            }
            else
            {
                ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 20)));
            }

            var after = ClusterFixture.Clock.GetUtcNow();
            long heldAfter = holds.Values.Where(h => h.State == HoldState.Reserved && h.ExpiresAt > after).Sum(h => h.Amount);
            Assert.Equal(new PoolView(id, used, heldAfter, limit, Math.Max(0, limit - used - heldAfter)), (await pool.GetPool()).Pool);
        }
    }
}
