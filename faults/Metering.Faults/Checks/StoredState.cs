using System.Text.Json;
using Npgsql;

namespace Metering.Faults.Checks;

/// <summary>Everything the run left in PostgreSQL that the check needs, read once after the run.</summary>
internal sealed class StoredState
{
    public Dictionary<(string Kind, string Account, string Key), (short State, long Amount, long? Committed)> Holds { get; } = [];

    public HashSet<(string Kind, string Account, string Key, string Operation)> Journal { get; } = [];

    /// <summary>Tokens recorded by port usage records (from their stored receipts), per port.</summary>
    public Dictionary<string, long> PortUsageRecordTokens { get; } = [];

    public Dictionary<(string Kind, string Account), JsonElement> Accounts { get; } = [];

    public List<(string Pool, string RequestId, bool Billed, long Cost)> Audit { get; } = [];

    public Dictionary<string, long> PortTokens { get; } = [];

    /// <summary>Tokens per port in the current UTC month: what a month-period cap counts.</summary>
    public Dictionary<string, long> PortTokensThisMonth { get; } = [];

    public HashSet<(string Tenant, string Key)> Events { get; } = [];

    public static async Task<StoredState> ReadAsync(string connectionString)
    {
        var state = new StoredState();
        await using var db = NpgsqlDataSource.Create(connectionString);
        await ForEach(db, "SELECT kind, account_id, request_id, state, amount, committed_amount FROM ledger_hold", r =>
            state.Holds[(r.GetString(0), r.GetString(1), r.GetString(2))] = (r.GetInt16(3), r.GetInt64(4), r.IsDBNull(5) ? null : r.GetInt64(5)));
        await ForEach(db, "SELECT kind, account_id, op_key, operation, coalesce((response->>'tokens')::bigint, 0) FROM ledger_journal", r =>
        {
            state.Journal.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
            if (r.GetString(0) == "port" && r.GetString(3) == "usage")
            {
                state.PortUsageRecordTokens[r.GetString(1)] = state.PortUsageRecordTokens.GetValueOrDefault(r.GetString(1)) + r.GetInt64(4);
            }
        });
        await ForEach(db, "SELECT kind, account_id, state::text FROM ledger_account", r =>
            state.Accounts[(r.GetString(0), r.GetString(1))] = JsonDocument.Parse(r.GetString(2)).RootElement.Clone());
        await ForEach(db, "SELECT pool_id, request_id, billed, cost_micros FROM pool_audit", r =>
            state.Audit.Add((r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetInt64(3))));
        await ForEach(db, "SELECT port_id, sum(tokens)::bigint FROM port_usage_day GROUP BY port_id", r =>
            state.PortTokens[r.GetString(0)] = r.GetInt64(1));
        await ForEach(db, "SELECT port_id, sum(tokens)::bigint FROM port_usage_day WHERE day >= date_trunc('month', now() AT TIME ZONE 'UTC')::date GROUP BY port_id", r =>
            state.PortTokensThisMonth[r.GetString(0)] = r.GetInt64(1));
        await ForEach(db, "SELECT tenant_id, gateway_request_id FROM usage_event", r =>
            state.Events.Add((r.GetString(0), r.GetString(1))));
        return state;
    }

    private static async Task ForEach(NpgsqlDataSource db, string sql, Action<NpgsqlDataReader> row)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }
}
