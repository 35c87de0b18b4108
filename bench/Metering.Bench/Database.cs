using Npgsql;

namespace Metering.Bench;

/// <summary>Small admin statements the benchmark runs between phases (never inside a timed loop).</summary>
internal static class Database
{
    /// <summary>
    /// Writes out dirty buffers before a measured phase, so that every phase starts from the same
    /// state instead of one of them paying for a checkpoint the previous phase caused.
    /// </summary>
    public static Task CheckpointAsync(NpgsqlDataSource db, CancellationToken ct) => ExecuteAsync(db, "CHECKPOINT", ct);

    public static Task ExecuteAsync(NpgsqlDataSource db, string sql, CancellationToken ct) => ExecuteAsync(db, sql, TimeSpan.FromSeconds(300), ct);

    /// <summary>
    /// The current transaction id. The difference of two readings, minus one for the reading
    /// itself, is the number of write transactions committed or aborted in between: with nothing
    /// else writing, it tells how many events one flush carried on average.
    /// </summary>
    public static async Task<long> TransactionIdAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT pg_current_xact_id()::text::bigint");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Rows of <c>usage_rollup_day</c> of one tenant: what an invoice reads.</summary>
    public static async Task<long> RollupRowsAsync(NpgsqlDataSource db, string tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM usage_rollup_day WHERE tenant_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, TimeSpan timeout, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = (int)timeout.TotalSeconds;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
