using Npgsql;

namespace Metering.Tests.Support;

/// <summary>
/// A transaction holding one account's <c>ledger_account</c> row locked, so the account's next
/// flush waits on it with its changes staged: tests use it to fill the write queue, or (with
/// <see cref="OpenAsync"/>'s <c>fence</c>) to make that flush fail fenced once the lock goes,
/// as if another activation had written the account first.
/// </summary>
public sealed class AccountRowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private readonly string _connectionString;

    private AccountRowLock(NpgsqlConnection connection, NpgsqlTransaction tx, string connectionString)
    {
        _connection = connection;
        _tx = tx;
        _connectionString = connectionString;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Locks the row of an account that exists; with <paramref name="fence"/> also moves its version.</summary>
    public static async Task<AccountRowLock> OpenAsync(string connectionString, string kind, string accountId, bool fence)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var tx = await connection.BeginTransactionAsync(Ct);
        await using var cmd = new NpgsqlCommand(
            fence
                ? "UPDATE ledger_account SET version = version + 1 WHERE kind = $1 AND account_id = $2"
                : "SELECT 1 FROM ledger_account WHERE kind = $1 AND account_id = $2 FOR UPDATE",
            connection,
            tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        await using (var reader = await cmd.ExecuteReaderAsync(Ct))
        {
            Assert.True(reader.RecordsAffected == 1 || await reader.ReadAsync(Ct), $"no {kind} row {accountId} to lock");
        }

        return new AccountRowLock(connection, tx, connectionString);
    }

    /// <summary>Waits (at most 30 s) until a ledger write waits on this lock.</summary>
    public async Task WaitUntilAFlushWaits()
    {
        await using var db = NpgsqlDataSource.Create(_connectionString);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var cmd = db.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%ledger_account%'");
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _connection.ProcessID });
            if ((long)(await cmd.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "no flush ever waited on the locked account row");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>
    /// Kills the backends of the writes waiting on this lock (pg_terminate_backend), as a
    /// database failure in the middle of a flush would: their transactions roll back.
    /// </summary>
    public async Task TerminateWaitingFlushesAsync()
    {
        await using var db = NpgsqlDataSource.Create(_connectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _connection.ProcessID });
        Assert.True((long)(await cmd.ExecuteScalarAsync(Ct))! > 0, "no write was waiting on the locked row");
    }

    /// <summary>Ends the transaction: a fence takes effect; a plain lock changes nothing.</summary>
    public Task ReleaseAsync() => _tx.CommitAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _tx.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
