using Npgsql;
using NpgsqlTypes;

namespace Metering.Grains.Storage;

/// <summary>
/// Writes the kinds' own rows (<see cref="SideRow"/>) of every account in a flush: one statement
/// per table, whatever the number of accounts. Accounts come in the flush's (kind, id) order.
/// </summary>
internal static class SideRowStatements
{
    private const string InsertAuditSql =
        "INSERT INTO pool_audit (pool_id, seq, request_id, billed, usage_type, prompt_tokens, completion_tokens, " +
        "total_tokens, cost_micros, model, call_details, at) " +
        "SELECT i, s, r, b, u, p, c, t, m, mo, d::jsonb, a FROM unnest(" +
        "$1::text[], $2::bigint[], $3::text[], $4::boolean[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], " +
        "$10::text[], $11::text[], $12::timestamptz[]) AS u(i, s, r, b, u, p, c, t, m, mo, d, a)";

    // Increments add to the cell; one statement may touch a cell once, so they are summed first.
    private const string AddPortUsageSql =
        "INSERT INTO port_usage_day AS p (port_id, day, feature, tokens, calls) " +
        "SELECT i, d, f, t, c FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[], $5::bigint[]) AS u(i, d, f, t, c) " +
        "ON CONFLICT (port_id, day, feature) DO UPDATE SET tokens = p.tokens + excluded.tokens, calls = p.calls + excluded.calls";

    private const string InsertBudgetChangesSql =
        "INSERT INTO port_budget_change (port_id, seq, changed_by, changed_at, enabled, soft_cap_tokens, hard_cap_tokens, period) " +
        "SELECT i, s, b, a, e, sc, hc, p FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::boolean[], " +
        "$6::bigint[], $7::bigint[], $8::text[]) AS u(i, s, b, a, e, sc, hc, p)";

    /// <summary>The statements for every side row of these accounts, at most one per table.</summary>
    public static IEnumerable<NpgsqlBatchCommand> For(IReadOnlyList<AccountWrite> writes)
    {
        var audits = new List<(string PoolId, PoolAuditRow Row)>();
        var usage = new Dictionary<(string PortId, DateOnly Day, string Feature), (long Tokens, long Calls)>();
        var changes = new List<(string PortId, PortBudgetChange Change)>();
        foreach (var write in writes)
        {
            foreach (var row in write.SideRows)
            {
                switch (row)
                {
                    case PoolAuditRow audit:
                        audits.Add((write.AccountId, audit));
                        break;
                    case PortUsageIncrement increment:
                        var cell = (write.AccountId, increment.Day, increment.Feature);
                        var (tokens, calls) = usage.GetValueOrDefault(cell);
                        usage[cell] = (tokens + increment.Tokens, calls + increment.Calls);
                        break;
                    case PortBudgetChange change:
                        changes.Add((write.AccountId, change));
                        break;
                    default:
                        throw new InvalidOperationException($"no table for side row {row.GetType().Name}");
                }
            }
        }

        if (audits.Count > 0)
        {
            yield return Audits(audits);
        }

        if (usage.Count > 0)
        {
            yield return PortUsage(usage);
        }

        if (changes.Count > 0)
        {
            yield return BudgetChanges(changes);
        }
    }

    private static NpgsqlBatchCommand Audits(List<(string PoolId, PoolAuditRow Row)> rows)
    {
        var records = rows.Select(r => (r.PoolId, r.Row.Record)).ToList();
        var cmd = new NpgsqlBatchCommand(InsertAuditSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.PoolId)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. records.Select(r => r.Record.Sequence)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.Record.RequestId)] });
        cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. records.Select(r => r.Record.Billed)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.Record.UsageType)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. records.Select(r => r.Record.PromptTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. records.Select(r => r.Record.CompletionTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. records.Select(r => r.Record.TotalTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. records.Select(r => r.Record.CostMicros)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.Record.Model)] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => (object?)r.Record.CallDetails ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. records.Select(r => r.Record.At)] });
        return cmd;
    }

    private static NpgsqlBatchCommand PortUsage(Dictionary<(string PortId, DateOnly Day, string Feature), (long Tokens, long Calls)> cells)
    {
        var rows = cells.ToList();
        var cmd = new NpgsqlBatchCommand(AddPortUsageSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Key.PortId)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = [.. rows.Select(r => r.Key.Day)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Key.Feature)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Value.Tokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Value.Calls)] });
        return cmd;
    }

    private static NpgsqlBatchCommand BudgetChanges(List<(string PortId, PortBudgetChange Change)> rows)
    {
        var cmd = new NpgsqlBatchCommand(InsertBudgetChangesSql);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.PortId)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Change.Sequence)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Change.ChangedBy)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Change.At)] });
        cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Change.Budget.Enabled)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Change.Budget.SoftCapTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Change.Budget.HardCapTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Change.Budget.Period.ToString().ToLowerInvariant())] });
        return cmd;
    }
}
