using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Cluster;

/// <summary>The pool grain through the test cluster's client, against real PostgreSQL.</summary>
public sealed class PoolGrainTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IPoolGrain NewPool(out string id)
    {
        id = $"pool-{Guid.NewGuid():N}";
        return Fixture.Cluster.Client.GetGrain<IPoolGrain>(id);
    }

    [Fact]
    public async Task NeverConfigured_HasLimitZero_AndRefusesAnyHold()
    {
        var pool = NewPool(out string id);

        var view = (await pool.GetPool()).Pool!;
        var refused = await pool.Reserve(new PoolReserveRequest("r1", 1, "chat"));

        Assert.Equal(new PoolView(id, 0, 0, 0, 0), view);
        Assert.Equal(Outcome.QuotaInsufficient, refused.Outcome);
        Assert.Equal(new PoolRefusal("chat", 0, 0, 0), refused.Refusal);
    }

    [Fact]
    public async Task ReserveCommit_DebitsTheActualCost_EvenAboveTheHold_AndAuditsIt()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(1_000);

        var reserve = await pool.Reserve(new PoolReserveRequest("r1", 300, "chat"));
        var commit = await pool.Commit(new PoolCommitRequest("r1", 450, 10, 20, "model-a", CallDetails: """{"route":"x"}"""));
        var view = (await pool.GetPool()).Pool!;
        var audit = await pool.ListUsage(new PoolUsageQuery(null, null, null));

        Assert.Equal(new PoolReservation("r1", ReservationState.Reserved, 300, 0, 1_000, 700, reserve.Reservation!.ExpiresAt), reserve.Reservation);
        Assert.Equal(new PoolCommitReceipt("r1", ReservationState.Committed, 450, 450, 1_000, 550, false), commit.Receipt);
        Assert.Equal(new PoolView(id, 450, 0, 1_000, 550), view);
        var record = Assert.Single(audit.Items);
        Assert.Equal(("r1", "chat", 10L, 20L, 30L, 450L, "model-a", true), (record.RequestId, record.UsageType, record.PromptTokens, record.CompletionTokens, record.TotalTokens, record.CostMicros, record.Model, record.Billed));
        Assert.Equal("""{"route": "x"}""", record.CallDetails);
    }

    [Fact]
    public async Task Reserve_PastWhatRemains_IsRefusedWithTheBalance()
    {
        var pool = NewPool(out _);
        await pool.SetLimit(500);
        await pool.Reserve(new PoolReserveRequest("a", 200, "chat"));
        await pool.Commit(new PoolCommitRequest("a", 100, 1, 1, "m"));
        await pool.Reserve(new PoolReserveRequest("b", 250, "chat"));

        var fits = await pool.Reserve(new PoolReserveRequest("c", 150, "image"));
        var over = await pool.Reserve(new PoolReserveRequest("d", 1, "image"));

        Assert.Equal(Outcome.Created, fits.Outcome);
        Assert.Equal(0, fits.Reservation!.RemainingMicros);
        Assert.Equal(Outcome.QuotaInsufficient, over.Outcome);
        Assert.Equal(new PoolRefusal("image", 100, 500, 0), over.Refusal);
    }

    [Fact]
    public async Task Grants_RaiseTheLimitOnce_AndConflictOnAnotherBody()
    {
        var pool = NewPool(out _);
        await pool.SetLimit(100);

        var first = await pool.Grant(new PoolGrantRequest("g1", 50, "promo"));
        var replay = await pool.Grant(new PoolGrantRequest("g1", 50, "promo"));
        var conflict = await pool.Grant(new PoolGrantRequest("g1", 60, "promo"));
        var other = await pool.Grant(new PoolGrantRequest("g2", 5));

        Assert.Equal(Outcome.Created, first.Outcome);
        Assert.Equal(150, first.Receipt!.LimitMicros);
        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Receipt, replay.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, conflict.Outcome);
        Assert.Equal(155, other.Receipt!.LimitMicros);
        Assert.Equal(155, (await pool.GetPool()).Pool!.LimitMicros);
    }

    [Fact]
    public async Task GrantReplay_AfterReactivation_IsAnsweredFromTheJournal()
    {
        var pool = NewPool(out _);
        var first = await pool.Grant(new PoolGrantRequest("g1", 70));
        await Fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);

        var replay = await pool.Grant(new PoolGrantRequest("g1", 70));

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Receipt, replay.Receipt);
        Assert.Equal(70, (await pool.GetPool()).Pool!.LimitMicros);
    }

    [Fact]
    public async Task FreeUsage_IsAuditedNotDebited_AndIdempotent()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(10);

        var first = await pool.RecordFreeUsage(new PoolFreeUsageRequest("f1", "chat", 999, 3, 4, "free-model"));
        var again = await pool.RecordFreeUsage(new PoolFreeUsageRequest("f1", "chat", 999, 3, 4, "free-model"));
        var conflict = await pool.RecordFreeUsage(new PoolFreeUsageRequest("f1", "chat", 1, 3, 4, "free-model"));

        Assert.Equal(Outcome.Created, first.Outcome);
        Assert.False(first.Record!.Billed);
        Assert.Equal(7, first.Record.TotalTokens);
        Assert.Equal(Outcome.Replayed, again.Outcome);
        Assert.Equal(first.Record, again.Record);
        Assert.Equal(Outcome.RequestIdConflict, conflict.Outcome);
        Assert.Equal(new PoolView(id, 0, 0, 10, 10), (await pool.GetPool()).Pool);
        Assert.Single((await pool.ListUsage(new PoolUsageQuery(null, null, null))).Items);
    }

    [Fact]
    public async Task ReleaseThenCommit_IsNotOpen_AndLeavesNoAuditRecord()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(100);
        await pool.Reserve(new PoolReserveRequest("r1", 40, "chat"));

        var release = await pool.Release("r1");
        var commit = await pool.Commit(new PoolCommitRequest("r1", 40, 1, 1, "m"));

        Assert.Equal(Outcome.Ok, release.Outcome);
        Assert.Equal(new PoolReleaseReceipt("r1", ReservationState.Released, 40, 0, 100, 100), release.Receipt);
        Assert.Equal(Outcome.ReservationNotOpen, commit.Outcome);
        Assert.Empty((await pool.ListUsage(new PoolUsageQuery(null, null, null))).Items);
        Assert.Equal(0, await AuditCount(id));
    }

    [Fact]
    public async Task LateCommit_AfterExpiry_IsRecordedAndMarkedLate()
    {
        var pool = NewPool(out _);
        await pool.SetLimit(100);
        await pool.Reserve(new PoolReserveRequest("r1", 60, "chat", TtlSeconds: 5));
        ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(5));

        var view = (await pool.GetReservation("r1")).Reservation!;
        var fresh = await pool.Reserve(new PoolReserveRequest("r2", 100, "chat"));
        var late = await pool.Commit(new PoolCommitRequest("r1", 60, 1, 1, "m"));

        Assert.Equal(ReservationState.Expired, view.State);
        Assert.Equal(Outcome.Created, fresh.Outcome); // the expired hold stopped counting
        Assert.True(late.Receipt!.Late);
        Assert.Equal(60, late.Receipt.UsedMicros);
        Assert.Equal(0, late.Receipt.RemainingMicros);
    }

    [Fact]
    public async Task AuditPages_AreOldestFirst_WithACursor_AndATimeWindow()
    {
        var pool = NewPool(out _);
        var start = ClusterFixture.Clock.GetUtcNow();
        for (int i = 0; i < 5; i++)
        {
            await pool.RecordFreeUsage(new PoolFreeUsageRequest($"f{i}", "chat", i, 1, 1, "m"));
            ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await pool.ListUsage(new PoolUsageQuery(null, null, null, 2));
        var second = await pool.ListUsage(new PoolUsageQuery(null, null, first.Next, 2));
        var third = await pool.ListUsage(new PoolUsageQuery(null, null, second.Next, 2));
        var window = await pool.ListUsage(new PoolUsageQuery(start.AddMinutes(1), start.AddMinutes(3), null));
        var bad = await pool.ListUsage(new PoolUsageQuery(start, start.AddMinutes(-1), null));

        Assert.Equal(["f0", "f1"], first.Items.Select(r => r.RequestId));
        Assert.Equal(["f2", "f3"], second.Items.Select(r => r.RequestId));
        Assert.Equal(["f4"], third.Items.Select(r => r.RequestId));
        Assert.Null(third.Next);
        Assert.Equal(["f1", "f2"], window.Items.Select(r => r.RequestId)); // from inclusive, to exclusive
        Assert.Equal(Outcome.InvalidRequest, bad.Outcome);
    }

    [Fact]
    public async Task BadAmounts_AreRefusedAndChangeNothing()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(100);

        var negative = await pool.Reserve(new PoolReserveRequest("r1", -5, "chat"));
        var huge = await pool.SetLimit(Limits.MaxAmount + 1);
        var badDetails = await pool.RecordFreeUsage(new PoolFreeUsageRequest("f1", "chat", 1, 1, 1, "m", "{not json"));
        var nul = await pool.RecordFreeUsage(new PoolFreeUsageRequest("f2", "ch\0at", 1, 1, 1, "m"));

        Assert.Equal(Outcome.InvalidRequest, negative.Outcome);
        Assert.Equal(Outcome.InvalidRequest, huge.Outcome);
        Assert.Equal(Outcome.InvalidRequest, badDetails.Outcome);
        Assert.Equal(Outcome.InvalidRequest, nul.Outcome);
        Assert.Equal(new PoolView(id, 0, 0, 100, 100), (await pool.GetPool()).Pool);
        Assert.Equal(0, await AuditCount(id));
    }

    [Fact]
    public async Task ParallelReserves_OnOnePool_NeverPassTheLimit()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(10_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => pool.Reserve(new PoolReserveRequest($"r{i}", 75, "chat"))));

        int created = results.Count(r => r.Outcome == Outcome.Created);
        Assert.Equal(10_000 / 75, created);
        Assert.Equal(500 - created, results.Count(r => r.Outcome == Outcome.QuotaInsufficient));
        Assert.Equal(created * 75L, (await pool.GetPool()).Pool!.ReservedMicros);
    }

    [Fact]
    public async Task AuditInvariant_RecordsEqualCommitsPlusFreeCalls_AndDebitsMatchRecords()
    {
        var pool = NewPool(out string id);
        await pool.SetLimit(1_000_000);
        int commits = 0, frees = 0;
        long debited = 0;
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            int action = i % 4;
            if (action == 3)
            {
                Assert.Equal(Outcome.Created, (await pool.RecordFreeUsage(new PoolFreeUsageRequest($"f{i}", "chat", 5, 1, 1, "m"))).Outcome);
                Interlocked.Increment(ref frees);
                return;
            }

            Assert.Equal(Outcome.Created, (await pool.Reserve(new PoolReserveRequest($"r{i}", 100, "chat"))).Outcome);
            if (action == 2)
            {
                Assert.Equal(Outcome.Ok, (await pool.Release($"r{i}")).Outcome);
                return;
            }

            long cost = 50 + i;
            Assert.Equal(Outcome.Ok, (await pool.Commit(new PoolCommitRequest($"r{i}", cost, 1, 1, "m"))).Outcome);
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref debited, cost);
        }));

        await using var db = NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FILTER (WHERE billed), count(*) FILTER (WHERE NOT billed), coalesce(sum(cost_micros) FILTER (WHERE billed), 0), " +
            "count(DISTINCT seq) FROM pool_audit WHERE pool_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        Assert.Equal(commits, reader.GetInt64(0));
        Assert.Equal(frees, reader.GetInt64(1));
        Assert.Equal(debited, reader.GetInt64(2));
        Assert.Equal(commits + frees, reader.GetInt64(3));
        Assert.Equal(debited, (await pool.GetPool()).Pool!.UsedMicros);
    }

    private async Task<long> AuditCount(string poolId)
    {
        await using var db = NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM pool_audit WHERE pool_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = poolId });
        return (long)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
