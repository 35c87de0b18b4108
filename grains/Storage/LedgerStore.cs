using Metering.GrainInterfaces.Common;
using Npgsql;

namespace Metering.Grains.Storage;

/// <summary>
/// The ledger's reads and its one write (<see cref="TryFlushAsync"/>, driven by the silo's shared
/// <see cref="Writer"/>), over Npgsql. Statements are named constants next to their parameter
/// binding; values are always parameters. Thread-safe: it holds only the data source and the writer.
/// </summary>
internal sealed class LedgerStore
{
    private readonly NpgsqlDataSource db;

    /// <param name="writerBounds">The shared writer's bounds; the defaults of <see cref="LedgerWriter.DefaultBounds"/> unless a test needs others.</param>
    public LedgerStore(NpgsqlDataSource db, GroupCommitBounds? writerBounds = null)
    {
        this.db = db;
        Writer = new LedgerWriter(this, writerBounds ?? LedgerWriter.DefaultBounds);
    }

    /// <summary>The silo's shared flush: every account grain of this silo writes through it.</summary>
    public LedgerWriter Writer { get; }

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
    /// Writes one account alone, in its own transaction: the shared writer's statements with a
    /// single account. For tools and tests; the grains write through <see cref="Writer"/>.
    /// </summary>
    public async Task<FlushOutcome> FlushAsync(AccountWrite write, CancellationToken ct = default)
    {
        var attempt = await TryFlushAsync([write], ct);
        return attempt.Committed ? FlushOutcome.Committed : attempt.Failures[0];
    }

    /// <summary>
    /// One shared flush attempt: the writes of many accounts in one transaction, each statement
    /// covering every account (<see cref="FlushStatements"/>, <see cref="SideRowStatements"/>), all
    /// in one round trip. It commits only when every account passed its fence and its keys;
    /// otherwise it rolls back and names the accounts that failed (by index), so the writer can
    /// try again without them. Database errors propagate: nothing was committed.
    /// </summary>
    public Task<FlushAttempt> TryFlushAsync(IReadOnlyList<AccountWrite> writes, CancellationToken ct = default) =>
        ClearPoolOnBrokenConnection(() => TryFlushCoreAsync(writes, ct));

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

    private async Task<FlushAttempt> TryFlushCoreAsync(IReadOnlyList<AccountWrite> writes, CancellationToken ct)
    {
        // One global lock order on account rows (see FlushStatements).
        var order = Enumerable.Range(0, writes.Count)
            .OrderBy(i => writes[i].Kind, StringComparer.Ordinal)
            .ThenBy(i => writes[i].AccountId, StringComparer.Ordinal)
            .ToArray();
        var sorted = order.Select(i => writes[i]).ToList();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var sql = new NpgsqlBatch(conn, tx);
        sql.BatchCommands.Add(FlushStatements.Accounts(sorted));
        var journal = FlushStatements.Journal(sorted);
        if (journal is not null)
        {
            sql.BatchCommands.Add(journal);
        }

        if (FlushStatements.Holds(sorted) is { } holds)
        {
            sql.BatchCommands.Add(holds);
        }

        foreach (var side in SideRowStatements.For(sorted))
        {
            sql.BatchCommands.Add(side);
        }

        var written = new HashSet<(string, string)>();
        var inserted = new HashSet<(string, string, string, string)>();
        await using (var reader = await sql.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                written.Add((reader.GetString(0), reader.GetString(1)));
            }

            if (journal is not null)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                }
            }

            while (await reader.NextResultAsync(ct))
            {
                // Drain the remaining statements so their errors surface here.
            }
        }

        var failures = new Dictionary<int, FlushOutcome>();
        for (int i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (!written.Contains((write.Kind, write.AccountId)))
            {
                failures[i] = FlushOutcome.Fenced;
                continue;
            }

            var duplicates = write.Journal
                .Where(j => !inserted.Contains((write.Kind, write.AccountId, j.Key, j.Operation)))
                .Select(j => (j.Key, j.Operation))
                .ToList();
            if (duplicates.Count > 0)
            {
                failures[i] = new FlushOutcome(FlushStatus.DuplicateKeys, duplicates);
            }
        }

        if (failures.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new FlushAttempt(false, failures);
        }

        await tx.CommitAsync(ct);
        return FlushAttempt.AllCommitted;
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
