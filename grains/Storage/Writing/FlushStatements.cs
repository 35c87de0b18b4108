using Npgsql;
using NpgsqlTypes;

namespace Metering.Grains.Storage;

/// <summary>
/// The statements of one shared flush: each writes the rows of every account in the flush at
/// once (arrays through <c>unnest</c>), so a transaction costs the same handful of statements
/// whether it carries one account or hundreds. Accounts come sorted by (kind, id), and every
/// statement keeps that order, so concurrent flushes (another silo's, during a failover) lock
/// account rows in one global order and cannot deadlock on them.
/// </summary>
internal static class FlushStatements
{
    // New accounts start at version 1; existing ones move from the expected version to the next.
    // A row not returned was fenced: another writer moved its version first. ON CONFLICT locks the
    // row even when the WHERE is false, so a fenced account's other rows are safe until rollback.
    private const string UpsertAccountsSql =
        "INSERT INTO ledger_account AS a (kind, account_id, version, state, updated_at) " +
        "SELECT k, i, v + 1, s::jsonb, t FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) " +
        "WITH ORDINALITY AS u(k, i, v, s, t, n) ORDER BY n " +
        "ON CONFLICT (kind, account_id) DO UPDATE " +
        "SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at " +
        "WHERE a.version = excluded.version - 1 RETURNING a.kind, a.account_id";

    // DO NOTHING + RETURNING tells which keys were new; a missing one is a replay its grain did
    // not know of, and that account fails (DuplicateKeys).
    private const string InsertJournalSql =
        "INSERT INTO ledger_journal (kind, account_id, op_key, operation, body_hash, response, at) " +
        "SELECT k, i, o, p, h, r::jsonb, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::timestamptz[]) " +
        "AS u(k, i, o, p, h, r, t) " +
        "ON CONFLICT DO NOTHING RETURNING kind, account_id, op_key, operation";

    private const string UpsertHoldsSql =
        "INSERT INTO ledger_hold (kind, account_id, request_id, state, amount, tag, created_at, expires_at, detail, closed_at, committed_amount, late) " +
        "SELECT k, i, r, s, a, g, c, e, d::jsonb, x, ca, l FROM unnest(" +
        "$1::text[], $2::text[], $3::text[], $4::smallint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], " +
        "$10::timestamptz[], $11::bigint[], $12::boolean[]) " +
        "AS u(k, i, r, s, a, g, c, e, d, x, ca, l) " +
        "ON CONFLICT (kind, account_id, request_id) DO UPDATE SET state = excluded.state, detail = excluded.detail, " +
        "closed_at = excluded.closed_at, committed_amount = excluded.committed_amount, late = excluded.late";

    /// <summary>Upserts every account row, fenced by version; returns (kind, account_id) of those written.</summary>
    public static NpgsqlBatchCommand Accounts(IReadOnlyList<AccountWrite> writes)
    {
        var cmd = new NpgsqlBatchCommand(UpsertAccountsSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. writes.Select(w => w.Kind)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. writes.Select(w => w.AccountId)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. writes.Select(w => w.ExpectedVersion)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. writes.Select(w => w.StateJson)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. writes.Select(w => w.At)] });
        return cmd;
    }

    /// <summary>Inserts every new journal entry; returns (kind, account_id, op_key, operation) of those inserted. Null when there are none.</summary>
    public static NpgsqlBatchCommand? Journal(IReadOnlyList<AccountWrite> writes)
    {
        var rows = writes.SelectMany(w => w.Journal, (w, j) => (w.Kind, w.AccountId, Entry: j)).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var cmd = new NpgsqlBatchCommand(InsertJournalSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Kind)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.AccountId)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Entry.Key)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Entry.Operation)] });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. rows.Select(r => r.Entry.BodyHash)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Entry.ResponseJson)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Entry.At)] });
        return cmd;
    }

    /// <summary>Writes every hold row (the last write per request of each account). Null when there are none.</summary>
    public static NpgsqlBatchCommand? Holds(IReadOnlyList<AccountWrite> writes)
    {
        var rows = writes.SelectMany(w => w.Holds, (w, h) => (w.Kind, w.AccountId, Hold: h)).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var cmd = new NpgsqlBatchCommand(UpsertHoldsSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Kind)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.AccountId)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Hold.RequestId)] });
        cmd.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. rows.Select(r => (short)r.Hold.State)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Hold.Amount)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Hold.Tag)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Hold.CreatedAt)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Hold.ExpiresAt)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Hold.DetailJson)] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => (object?)r.Hold.ClosedAt ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => (object?)r.Hold.CommittedAmount ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Hold.Late)] });
        return cmd;
    }
}
