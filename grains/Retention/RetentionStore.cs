using System.Globalization;
using Metering.GrainInterfaces.Common;
using Npgsql;

namespace Metering.Grains.Retention;

/// <summary>
/// The clean-up's statements, each a named constant next to its parameters. All of them run on
/// the one connection that holds the run's advisory lock. Every delete is one statement in its
/// own short transaction, bounded by <see cref="Limits.RetentionBatchRows"/>, by a lock wait
/// (<see cref="Limits.RetentionLockWaitMilliseconds"/>) and by a statement time
/// (<see cref="Limits.RetentionStatementSeconds"/>). Stateless and thread-safe; a connection is not.
/// </summary>
internal static class RetentionStore
{
    /// <summary>
    /// The advisory lock every silo's run tries first ("RETENTIO"): one run at a time in the whole
    /// cluster, and a silo that dies mid-run lets go of it with its session. Fixed forever, apart
    /// from the migrator's key.
    /// </summary>
    public const long LockKey = 0x52_45_54_45_4E_54_49_4F;

    // Session-level, not transaction-level: the lock spans the run's many short transactions.
    private const string TryLockSql = "SELECT pg_try_advisory_lock($1)";

    private const string UnlockSql = "SELECT pg_advisory_unlock($1)";

    // Local to the batch's transaction: the pooled connection goes back without it.
    private const string LockWaitSql = "SELECT set_config('lock_timeout', $1, true)";

    /// <summary>
    /// One batch of forgotten keys, in one statement (one snapshot):
    /// <list type="number">
    /// <item><c>scanned</c>: the next old journal rows after the cursor, grants left out (kept
    /// forever), through the partial index <c>ledger_journal_age</c> (0007), whose predicate the
    /// literal <c>operation &lt;&gt; 'grant'</c> must repeat;</item>
    /// <item><c>expired</c>: their keys whose every journal row (any operation, grants included) is
    /// older than the cutoff, and whose hold, if there is one, closed or expired before it;</item>
    /// <item><c>holds</c>: those keys' holds deleted. Should a flush have changed a hold since the
    /// statement began (a late commit), PostgreSQL re-checks the row against the condition and
    /// keeps it;</item>
    /// <item><c>journal</c>: the journal rows (grants excepted) deleted of the keys without a hold
    /// and of the keys whose hold was deleted just now, never of a key whose hold stays: a reserve's
    /// row deleted while its hold stays would let a new reserve with that key pass the journal
    /// check and overwrite the old hold row.</item>
    /// </list>
    /// It answers how many rows it scanned and deleted, and the last row scanned (the next cursor).
    /// </summary>
    private const string ForgetKeysSql =
        "WITH scanned AS (" +
        " SELECT kind, account_id, op_key, operation, at FROM ledger_journal" +
        " WHERE operation <> 'grant' AND at < $1 AND at >= $2" +
        " AND (at, kind, account_id, op_key, operation) > ($2, $3, $4, $5, $6)" +
        " ORDER BY at, kind, account_id, op_key, operation LIMIT $7), " +
        "keys AS (SELECT DISTINCT kind, account_id, op_key FROM scanned), " +
        "expired AS (" +
        " SELECT k.kind, k.account_id, k.op_key FROM keys k" +
        " WHERE NOT EXISTS (SELECT 1 FROM ledger_journal j" +
        "  WHERE j.kind = k.kind AND j.account_id = k.account_id AND j.op_key = k.op_key AND j.at >= $1)" +
        " AND NOT EXISTS (SELECT 1 FROM ledger_hold h" +
        "  WHERE h.kind = k.kind AND h.account_id = k.account_id AND h.request_id = k.op_key" +
        "  AND NOT coalesce((h.state IN (1, 2) AND h.closed_at < $1) OR (h.state = 0 AND h.expires_at < $1), false))), " +
        "holds AS (" +
        " DELETE FROM ledger_hold h USING expired e" +
        " WHERE h.kind = e.kind AND h.account_id = e.account_id AND h.request_id = e.op_key" +
        " AND ((h.state IN (1, 2) AND h.closed_at < $1) OR (h.state = 0 AND h.expires_at < $1))" +
        " RETURNING h.kind, h.account_id, h.request_id), " +
        "removable AS (" +
        " SELECT e.kind, e.account_id, e.op_key FROM expired e" +
        " WHERE NOT EXISTS (SELECT 1 FROM ledger_hold h" +
        "  WHERE h.kind = e.kind AND h.account_id = e.account_id AND h.request_id = e.op_key)" +
        " UNION ALL SELECT kind, account_id, request_id FROM holds), " +
        "journal AS (" +
        " DELETE FROM ledger_journal j USING removable r" +
        " WHERE j.kind = r.kind AND j.account_id = r.account_id AND j.op_key = r.op_key AND j.operation <> 'grant'" +
        " RETURNING 1), " +
        "last AS (" +
        " SELECT at, kind, account_id, op_key, operation FROM scanned" +
        " ORDER BY at DESC, kind DESC, account_id DESC, op_key DESC, operation DESC LIMIT 1) " +
        "SELECT (SELECT count(*) FROM scanned), (SELECT count(*) FROM journal), (SELECT count(*) FROM holds)," +
        " l.at, l.kind, l.account_id, l.op_key, l.operation " +
        "FROM (SELECT 1) AS one LEFT JOIN last l ON true";

    /// <summary>
    /// The oldest usage events before the cutoff, at most $2, through the index
    /// <c>usage_event_occurred</c> (0007). Their rollups stay: invoices read those, never raw
    /// events. By <c>ctid</c>, found and deleted in one statement (one snapshot; events are never
    /// updated, so a row keeps its ctid).
    /// </summary>
    private const string ForgetEventsSql =
        "DELETE FROM usage_event WHERE ctid = ANY (ARRAY(" +
        " SELECT ctid FROM usage_event WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2))";

    /// <summary>True when this session now holds the clean-up lock; false when another session (silo) does.</summary>
    public static async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(TryLockSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Lets go of the clean-up lock (closing the session would too).</summary>
    public static async Task UnlockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(UnlockSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Forgets one batch of keys last used before <paramref name="cutoff"/>, scanning from <paramref name="from"/>.</summary>
    public static async Task<JournalBatch> ForgetKeysAsync(NpgsqlConnection conn, DateTimeOffset cutoff, JournalCursor from, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LimitLockWaitAsync(conn, tx, ct);
        JournalBatch batch;
        await using (var cmd = new NpgsqlCommand(ForgetKeysSql, conn, tx) { CommandTimeout = Limits.RetentionStatementSeconds })
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.At });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.Kind });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.AccountId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.OpKey });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.Operation });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Limits.RetentionBatchRows });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var next = reader.IsDBNull(3) ? null : new JournalCursor(
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
            batch = new JournalBatch((int)reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), next);
        }

        await tx.CommitAsync(ct);
        return batch;
    }

    /// <summary>Deletes at most <see cref="Limits.RetentionBatchRows"/> usage events that happened before <paramref name="cutoff"/>; returns how many.</summary>
    public static async Task<int> ForgetEventsAsync(NpgsqlConnection conn, DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LimitLockWaitAsync(conn, tx, ct);
        int deleted;
        await using (var cmd = new NpgsqlCommand(ForgetEventsSql, conn, tx) { CommandTimeout = Limits.RetentionStatementSeconds })
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Limits.RetentionBatchRows });
            deleted = await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return deleted;
    }

    private static async Task LimitLockWaitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(LockWaitSql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Limits.RetentionLockWaitMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms" });
        await cmd.ExecuteScalarAsync(ct);
    }
}
