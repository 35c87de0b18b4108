using Metering.GrainInterfaces.Common;
using Metering.Grains.Engine;
using Npgsql;
using NpgsqlTypes;

namespace Metering.Grains.Storage;

/// <summary>
/// The ledger's reads and its one write (<see cref="FlushAsync"/>), over Npgsql. Statements are
/// named constants next to their parameter binding; values are always parameters.
/// Thread-safe: it holds only the data source.
/// </summary>
internal sealed class LedgerStore(NpgsqlDataSource db)
{
    private const string SelectAccountSql =
        "SELECT version, state::text FROM ledger_account WHERE kind = $1 AND account_id = $2";

    private const string HoldColumns =
        "request_id, state, amount, tag, created_at, expires_at, detail::text, closed_at, committed_amount, late";

    private const string SelectOpenHoldsSql =
        "SELECT " + HoldColumns + " FROM ledger_hold " +
        "WHERE kind = $1 AND account_id = $2 AND state = 0 AND expires_at > $3 " +
        "ORDER BY expires_at LIMIT $4";

    private const string SelectHoldSql =
        "SELECT " + HoldColumns + " FROM ledger_hold WHERE kind = $1 AND account_id = $2 AND request_id = $3";

    private const string SelectRecentJournalSql =
        "SELECT op_key, operation, body_hash, response::text, at FROM ledger_journal " +
        "WHERE kind = $1 AND account_id = $2 ORDER BY at DESC LIMIT $3";

    private const string SelectJournalSql =
        "SELECT op_key, operation, body_hash, response::text, at FROM ledger_journal " +
        "WHERE kind = $1 AND account_id = $2 AND op_key = $3 AND operation = $4";

    // Many keys of one account in one round trip (the primary key's prefix serves `= ANY`); the
    // caller keeps the rows whose operation it asked for.
    private const string SelectJournalManySql =
        "SELECT op_key, operation, body_hash, response::text, at FROM ledger_journal " +
        "WHERE kind = $1 AND account_id = $2 AND op_key = ANY($3)";

    // Insert a new account at version 1, or move an existing one from $3 to $3 + 1. Zero rows back
    // means another writer moved the version first: the flush is fenced.
    private const string UpsertAccountSql =
        "INSERT INTO ledger_account AS a (kind, account_id, version, state, updated_at) " +
        "VALUES ($1, $2, $3 + 1, $4::jsonb, $5) " +
        "ON CONFLICT (kind, account_id) DO UPDATE " +
        "SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at " +
        "WHERE a.version = $3 RETURNING a.version";

    // DO NOTHING + RETURNING tells which keys were new; a missing one is a replay the grain did not
    // know of, and the whole flush is rolled back.
    private const string InsertJournalSql =
        "INSERT INTO ledger_journal (kind, account_id, op_key, operation, body_hash, response, at) " +
        "SELECT $1, $2, k, o, h, r::jsonb, t FROM unnest($3::text[], $4::text[], $5::bytea[], $6::text[], $7::timestamptz[]) AS u(k, o, h, r, t) " +
        "ON CONFLICT DO NOTHING RETURNING op_key, operation";

    private const string UpsertHoldsSql =
        "INSERT INTO ledger_hold (kind, account_id, request_id, state, amount, tag, created_at, expires_at, detail, closed_at, committed_amount, late) " +
        "SELECT $1, $2, r, s, a, g, c, e, d::jsonb, x, ca, l FROM unnest(" +
        "$3::text[], $4::smallint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::timestamptz[], $11::bigint[], $12::boolean[]) " +
        "AS u(r, s, a, g, c, e, d, x, ca, l) " +
        "ON CONFLICT (kind, account_id, request_id) DO UPDATE SET state = excluded.state, detail = excluded.detail, " +
        "closed_at = excluded.closed_at, committed_amount = excluded.committed_amount, late = excluded.late";

    public NpgsqlDataSource DataSource => db;

    public Task<StoredAccount?> LoadAccountAsync(string kind, string accountId, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => LoadAccountCoreAsync(kind, accountId, ct));

    private async Task<StoredAccount?> LoadAccountCoreAsync(string kind, string accountId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectAccountSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new StoredAccount(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public Task<List<StoredHold>> LoadOpenHoldsAsync(string kind, string accountId, DateTimeOffset now, int max, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => LoadOpenHoldsCoreAsync(kind, accountId, now, max, ct));

    private async Task<List<StoredHold>> LoadOpenHoldsCoreAsync(string kind, string accountId, DateTimeOffset now, int max, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectOpenHoldsSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        return await ReadHoldsAsync(cmd, ct);
    }

    public Task<StoredHold?> FindHoldAsync(string kind, string accountId, string requestId, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => FindHoldCoreAsync(kind, accountId, requestId, ct));

    private async Task<StoredHold?> FindHoldCoreAsync(string kind, string accountId, string requestId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectHoldSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestId });
        var holds = await ReadHoldsAsync(cmd, ct);
        return holds.Count == 0 ? null : holds[0];
    }

    public Task<List<JournalEntry>> LoadRecentJournalAsync(string kind, string accountId, int max, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => LoadRecentJournalCoreAsync(kind, accountId, max, ct));

    private async Task<List<JournalEntry>> LoadRecentJournalCoreAsync(string kind, string accountId, int max, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectRecentJournalSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        return await ReadJournalAsync(cmd, ct);
    }

    public Task<JournalEntry?> FindJournalAsync(string kind, string accountId, string key, string operation, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => FindJournalCoreAsync(kind, accountId, key, operation, ct));

    private async Task<JournalEntry?> FindJournalCoreAsync(string kind, string accountId, string key, string operation, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectJournalSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = operation });
        var entries = await ReadJournalAsync(cmd, ct);
        return entries.Count == 0 ? null : entries[0];
    }

    /// <summary>The journal entries of these keys (any operation) of one account, in one query.</summary>
    public Task<List<JournalEntry>> FindJournalManyAsync(string kind, string accountId, IReadOnlyCollection<string> keys, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => FindJournalManyCoreAsync(kind, accountId, keys, ct));

    private async Task<List<JournalEntry>> FindJournalManyCoreAsync(string kind, string accountId, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectJournalManySql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys] });
        return await ReadJournalAsync(cmd, ct);
    }

    /// <summary>
    /// Writes one batch in one transaction: the account row first (fenced by version), then the
    /// journal, then the holds, then the kind's own rows; all statements go in one round trip.
    /// Database errors propagate (the caller fails the batch and reloads).
    /// </summary>
    public Task<FlushOutcome> FlushAsync(FlushBatch batch, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => FlushCoreAsync(batch, ct));

    /// <summary>
    /// When a connection broke or the server shut down, every pooled connection is likely dead
    /// too: drop them, so the retry that follows the 503 starts on a fresh one instead of failing
    /// once per pooled connection.
    /// </summary>
    private async Task<T> ClearPoolOnBrokenConnection<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (NpgsqlException error) when (error is not PostgresException || ((PostgresException)error).SqlState.StartsWith("57P", StringComparison.Ordinal))
        {
            db.Clear();
            throw;
        }
    }

    private async Task<FlushOutcome> FlushCoreAsync(FlushBatch batch, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var sql = new NpgsqlBatch(conn, tx);

        sql.BatchCommands.Add(AccountCommand(batch));
        bool hasJournal = batch.Journal.Count > 0;
        if (hasJournal)
        {
            sql.BatchCommands.Add(JournalCommand(batch));
        }

        if (batch.Holds.Count > 0)
        {
            sql.BatchCommands.Add(HoldsCommand(batch));
        }

        foreach (var extra in batch.Extra)
        {
            sql.BatchCommands.Add(extra);
        }

        bool fenced;
        var inserted = new HashSet<(string, string)>();
        await using (var reader = await sql.ExecuteReaderAsync(ct))
        {
            fenced = !await reader.ReadAsync(ct);
            if (hasJournal)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    inserted.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            while (await reader.NextResultAsync(ct))
            {
                // Drain the remaining statements so their errors surface here.
            }
        }

        if (fenced)
        {
            await tx.RollbackAsync(ct);
            return FlushOutcome.Fenced;
        }

        if (inserted.Count != batch.Journal.Count)
        {
            await tx.RollbackAsync(ct);
            var duplicates = batch.Journal
                .Where(j => !inserted.Contains((j.Key, j.Operation)))
                .Select(j => (j.Key, j.Operation))
                .ToList();
            return new FlushOutcome(FlushStatus.DuplicateKeys, duplicates);
        }

        await tx.CommitAsync(ct);
        return FlushOutcome.Committed;
    }

    private static NpgsqlBatchCommand AccountCommand(FlushBatch batch)
    {
        var cmd = new NpgsqlBatchCommand(UpsertAccountSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.AccountId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ExpectedVersion });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.StateJson });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = batch.At });
        return cmd;
    }

    private static NpgsqlBatchCommand JournalCommand(FlushBatch batch)
    {
        var cmd = new NpgsqlBatchCommand(InsertJournalSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.AccountId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Journal.Select(j => j.Key)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Journal.Select(j => j.Operation)] });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. batch.Journal.Select(j => j.BodyHash)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Journal.Select(j => j.ResponseJson)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. batch.Journal.Select(j => j.At)] });
        return cmd;
    }

    private static NpgsqlBatchCommand HoldsCommand(FlushBatch batch)
    {
        var holds = batch.Holds;
        var cmd = new NpgsqlBatchCommand(UpsertHoldsSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.AccountId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. holds.Select(h => h.RequestId)] });
        cmd.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. holds.Select(h => (short)h.State)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. holds.Select(h => h.Amount)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. holds.Select(h => h.Tag)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. holds.Select(h => h.CreatedAt)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. holds.Select(h => h.ExpiresAt)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. holds.Select(h => h.DetailJson)] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = holds.Select(h => (object?)h.ClosedAt ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = holds.Select(h => (object?)h.CommittedAmount ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. holds.Select(h => h.Late)] });
        return cmd;
    }

    private static async Task<List<StoredHold>> ReadHoldsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var holds = new List<StoredHold>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            holds.Add(new StoredHold(
                RequestId: reader.GetString(0),
                State: (ReservationState)reader.GetInt16(1),
                Amount: reader.GetInt64(2),
                Tag: reader.GetString(3),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(4),
                ExpiresAt: reader.GetFieldValue<DateTimeOffset>(5),
                DetailJson: reader.GetString(6),
                ClosedAt: reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                CommittedAmount: reader.IsDBNull(8) ? null : reader.GetInt64(8),
                Late: reader.GetBoolean(9)));
        }

        return holds;
    }

    private static async Task<List<JournalEntry>> ReadJournalAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var entries = new List<JournalEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new JournalEntry(
                Key: reader.GetString(0),
                Operation: reader.GetString(1),
                BodyHash: reader.GetFieldValue<byte[]>(2),
                ResponseJson: reader.GetString(3),
                At: reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return entries;
    }
}
