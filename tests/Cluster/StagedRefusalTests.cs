using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Cluster;

/// <summary>
/// Answers decided on changes that are staged but not yet durable wait for them, and when those
/// changes never commit (another writer moved the account's version: the flush is fenced) the
/// answers are 503, never a refusal or a read of state that does not exist.
/// </summary>
/// <remarks>
/// The test holds the account row locked in a transaction that also moves its version, so the
/// grain's flush waits on the lock (the change is staged), then fails fenced once the test commits.
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class StagedRefusalTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PortBudget_InvalidOnlyAgainstAStagedChangeThatIsFenced_Answers503()
    {
        string id = $"staged-budget-{Guid.NewGuid():N}";
        var port = fixture.Cluster.Client.GetGrain<IPortGrain>(id);
        Assert.Equal(Outcome.Ok, (await port.SetBudget(new PortBudgetPatch(true, 100, 200), "test")).Outcome);

        await using var blocker = await BlockAndFence("port", id);
        var staged = port.SetBudget(new PortBudgetPatch(SoftCapTokens: 1_000, HardCapTokens: 2_000), "test");
        await blocker.WaitUntilTheFlushWaits();
        // Invalid only against the staged budget (soft 1,000 above hard 500); valid against the stored one.
        var decidedOnStaged = port.SetBudget(new PortBudgetPatch(HardCapTokens: 500), "test");
        await blocker.CommitAsync();

        Assert.Equal(Outcome.Unavailable, (await staged).Outcome);
        Assert.Equal(Outcome.Unavailable, (await decidedOnStaged).Outcome);
    }

    [Fact]
    public async Task PoolReserve_RefusedOnlyBecauseOfAStagedHoldThatIsFenced_Answers503()
    {
        string id = $"staged-refusal-{Guid.NewGuid():N}";
        var pool = fixture.Cluster.Client.GetGrain<IPoolGrain>(id);
        Assert.Equal(Outcome.Ok, (await pool.SetLimit(100)).Outcome);

        await using var blocker = await BlockAndFence("pool", id);
        var staged = pool.Reserve(new PoolReserveRequest("r1", 100, "chat"));
        await blocker.WaitUntilTheFlushWaits();
        var refusedOnStaged = pool.Reserve(new PoolReserveRequest("r2", 1, "chat"));
        var readOfStaged = pool.GetPool();
        await blocker.CommitAsync();

        Assert.Equal(Outcome.Unavailable, (await staged).Outcome);
        Assert.Equal(Outcome.Unavailable, (await refusedOnStaged).Outcome);
        Assert.Equal(Outcome.Unavailable, (await readOfStaged).Outcome);
        Assert.Equal(new PoolView(id, 0, 0, 100, 100), (await pool.GetPool()).Pool);
    }

    private async Task<RowBlocker> BlockAndFence(string kind, string accountId)
    {
        var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync(Ct);
        var tx = await connection.BeginTransactionAsync(Ct);
        await using var update = new NpgsqlCommand(
            "UPDATE ledger_account SET version = version + 1 WHERE kind = $1 AND account_id = $2", connection, tx);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        Assert.Equal(1, await update.ExecuteNonQueryAsync(Ct));
        return new RowBlocker(connection, tx, fixture.ConnectionString);
    }

    /// <summary>A transaction holding an account row's lock, with its version moved.</summary>
    private sealed class RowBlocker(NpgsqlConnection connection, NpgsqlTransaction tx, string connectionString) : IAsyncDisposable
    {
        /// <summary>Waits (at most 30 s) until another session waits on a lock held by this one.</summary>
        public async Task WaitUntilTheFlushWaits()
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                await using var cmd = db.CreateCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%ledger_account%'");
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = connection.ProcessID });
                if ((long)(await cmd.ExecuteScalarAsync(Ct))! > 0)
                {
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline, "the grain's flush never waited on the locked row");
                await Task.Delay(20, Ct);
            }
        }

        public Task CommitAsync() => tx.CommitAsync(Ct);

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
