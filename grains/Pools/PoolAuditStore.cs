using Metering.GrainInterfaces.Pools;
using Metering.Grains.Storage;
using Npgsql;

namespace Metering.Grains.Pools;

/// <summary>Reads a pool's audit log from PostgreSQL (what is there is acknowledged).</summary>
internal sealed class PoolAuditStore(LedgerStore store)
{
    // The "C"-collated key and seq order make pages stable; from is inclusive, to exclusive.
    private const string PageSql =
        "SELECT seq, request_id, billed, usage_type, prompt_tokens, completion_tokens, total_tokens, cost_micros, model, " +
        "call_details::text, at FROM pool_audit " +
        "WHERE pool_id = $1 AND seq > $2 AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4) " +
        "ORDER BY seq LIMIT $5";

    public async Task<(List<PoolUsageRecord> Items, bool More)> PageAsync(string poolId, PoolUsageQuery query)
    {
        await using var cmd = store.DataSource.CreateCommand(PageSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = poolId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = query.After ?? 0 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)query.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)query.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit + 1 });
        var items = new List<PoolUsageRecord>(query.Limit);
        bool more = false;
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == query.Limit)
            {
                more = true;
                break;
            }

            items.Add(new PoolUsageRecord(
                RequestId: reader.GetString(1),
                UsageType: reader.GetString(3),
                PromptTokens: reader.GetInt64(4),
                CompletionTokens: reader.GetInt64(5),
                TotalTokens: reader.GetInt64(6),
                CostMicros: reader.GetInt64(7),
                Model: reader.GetString(8),
                CallDetails: reader.IsDBNull(9) ? null : reader.GetString(9),
                Billed: reader.GetBoolean(2),
                At: reader.GetFieldValue<DateTimeOffset>(10),
                Sequence: reader.GetInt64(0)));
        }

        return (items, more);
    }
}
