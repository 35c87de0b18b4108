using Npgsql;

namespace Metering.Bench;

/// <summary>One table's rows and its size on disk (heap, indexes and TOAST: <c>pg_total_relation_size</c>).</summary>
internal sealed record TableSize(string Table, long Rows, long TotalBytes, long IndexBytes)
{
    /// <summary>
    /// The tables the clean-up deletes from, then two it never touches, for contrast; exact row
    /// counts (the benchmark's database is small enough to count).
    /// </summary>
    private const string SizesSql =
        "SELECT 'ledger_journal', (SELECT count(*) FROM ledger_journal), pg_total_relation_size('ledger_journal'), pg_indexes_size('ledger_journal') " +
        "UNION ALL SELECT 'ledger_hold', (SELECT count(*) FROM ledger_hold), pg_total_relation_size('ledger_hold'), pg_indexes_size('ledger_hold') " +
        "UNION ALL SELECT 'usage_event', (SELECT count(*) FROM usage_event), pg_total_relation_size('usage_event'), pg_indexes_size('usage_event') " +
        "UNION ALL SELECT 'usage_rollup_day', (SELECT count(*) FROM usage_rollup_day), pg_total_relation_size('usage_rollup_day'), pg_indexes_size('usage_rollup_day') " +
        "UNION ALL SELECT 'ledger_account', (SELECT count(*) FROM ledger_account), pg_total_relation_size('ledger_account'), pg_indexes_size('ledger_account')";

    private const string IndexSql = "SELECT pg_relation_size($1::regclass)";

    public static async Task<IReadOnlyList<TableSize>> ReadAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var sizes = new List<TableSize>();
        await using var cmd = db.CreateCommand(SizesSql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            sizes.Add(new TableSize(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return sizes;
    }

    /// <summary>The size of one index, in bytes.</summary>
    public static async Task<long> IndexBytesAsync(NpgsqlDataSource db, string index, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(IndexSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = index });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
