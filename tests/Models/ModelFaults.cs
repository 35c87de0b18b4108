using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Models;

/// <summary>The faults a model test injects: a restart of every grain, and a failed flush.</summary>
internal static class ModelFaults
{
    /// <summary>Longest wait for the write's flush to reach the locked row.</summary>
    private static readonly TimeSpan FlushWaitBound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Deactivates every grain of the cluster: the next call reloads its account from PostgreSQL.</summary>
    public static Task RestartAsync(ClusterFixture fixture) =>
        fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);

    /// <summary>
    /// Sends one write whose flush fails, as if another activation had written the account first:
    /// a transaction moves the account row's version (the row must exist) and keeps it locked;
    /// once the write's flush waits on that lock, <paramref name="alongside"/> (if any) is sent,
    /// then the transaction commits, so the flush finds the version moved and fails fenced.
    /// Returns both answers. A write that answers without its flush ever waiting (it staged
    /// nothing) is returned as it came, nothing is fenced and nothing is sent alongside.
    /// </summary>
    /// <remarks>
    /// Like <see cref="AccountRowLock"/> with its fence, but it watches for the waiting flush on
    /// the locking connection itself (<c>pg_locks</c> is read live, even inside a transaction),
    /// every millisecond or so, so that model tests can fail many writes quickly.
    /// </remarks>
    public static async Task<(object Write, object? Alongside)> WithFailedFlushAsync(
        ClusterFixture fixture, string kind, string accountId, Func<Task<object>> write, Func<Task<object>>? alongside)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var tx = await connection.BeginTransactionAsync(Ct);
        await using (var fence = new NpgsqlCommand(
            "UPDATE ledger_account SET version = version + 1 WHERE kind = $1 AND account_id = $2", connection, tx))
        {
            fence.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
            fence.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
            Assert.True(await fence.ExecuteNonQueryAsync(Ct) == 1, $"no {kind} row {accountId} to fence");
        }

        var answer = write();
        var deadline = DateTime.UtcNow + FlushWaitBound;
        await using var waiters = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))", connection, tx);
        while (!answer.IsCompleted)
        {
            if ((bool)(await waiters.ExecuteScalarAsync(Ct))!)
            {
                var other = alongside?.Invoke();
                await tx.CommitAsync(Ct);
                return (await answer, other is null ? null : await other);
            }

            Assert.True(DateTime.UtcNow < deadline, $"the {kind} write never flushed (no flush waited on the locked row)");
            await Task.Delay(1, Ct);
        }

        // Answered with no flush waiting: the transaction rolls back, fencing nothing.
        return (await answer, null);
    }
}
