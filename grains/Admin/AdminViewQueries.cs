using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;
using Metering.Grains.Pools;
using Metering.Grains.Ports;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Npgsql;
using NpgsqlTypes;

namespace Metering.Grains.Admin;

/// <summary>
/// The statements of the admin views, each next to its parameters. Every read is bounded by an
/// index: lists walk a primary key from the cursor (keyset paging, one row more than the page to
/// know whether another follows), series read the day buckets of one account for at most
/// <see cref="Limits.MaxSeriesDays"/> days. Thread-safe: static, the data source is shared.
/// </summary>
internal static class AdminViewQueries
{
    // Open, unexpired holds of one account, summed (what GET /v1/{kind}/{id} calls reserved).
    private const string OpenHolds =
        "LEFT JOIN LATERAL (SELECT sum(amount) AS reserved FROM ledger_hold " +
        "  WHERE kind = a.kind AND account_id = a.account_id AND state = 0 AND expires_at > $3) h ON true ";

    private const string PoolPageSql =
        "SELECT a.account_id, a.state::text, coalesce(h.reserved, 0) FROM ledger_account a " + OpenHolds +
        "WHERE a.kind = 'pool' AND ($1::text IS NULL OR a.account_id > $1) ORDER BY a.account_id LIMIT $2";

    // A port's usage since the start of each possible period ($4 today, $5 this week's Monday,
    // $6 the 1st), from its day buckets: at most 31 days × its features. The port's own period
    // picks one of the three sums.
    private const string PortPageSql =
        "SELECT a.account_id, a.state::text, coalesce(h.reserved, 0), coalesce(u.d, 0), coalesce(u.w, 0), coalesce(u.m, 0) " +
        "FROM ledger_account a " + OpenHolds +
        "LEFT JOIN LATERAL (SELECT sum(tokens) FILTER (WHERE day >= $4) AS d, sum(tokens) FILTER (WHERE day >= $5) AS w, " +
        "  sum(tokens) FILTER (WHERE day >= $6) AS m FROM port_usage_day " +
        "  WHERE port_id = a.account_id AND day >= least($5::date, $6::date)) u ON true " +
        "WHERE a.kind = 'port' AND ($1::text IS NULL OR a.account_id > $1) ORDER BY a.account_id LIMIT $2";

    // PostgreSQL has no skip scan: a recursive walk makes "the next tenant after X" one index
    // probe of usage_rollup_day's primary key, so a page costs limit + 1 probes however many
    // days and deployments each tenant has.
    private const string TenantPageSql =
        "WITH RECURSIVE t(id) AS (" +
        "  (SELECT tenant_id FROM usage_rollup_day WHERE $1::text IS NULL OR tenant_id > $1 ORDER BY tenant_id LIMIT 1) " +
        "  UNION ALL " +
        "  SELECT (SELECT r.tenant_id FROM usage_rollup_day r WHERE r.tenant_id > t.id ORDER BY r.tenant_id LIMIT 1) " +
        "  FROM t WHERE t.id IS NOT NULL) " +
        "SELECT id FROM t WHERE id IS NOT NULL LIMIT $2";

    private const string PortDailySql =
        "SELECT day, feature, tokens, calls FROM port_usage_day " +
        "WHERE port_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, feature LIMIT $4";

    // trim_scale: the exact sum without numeric(28,10)'s trailing zeros ("0.0015", not "0.0015000000").
    private const string TenantDailySql =
        "SELECT day, deployment_id, requests, input_tokens, output_tokens, trim_scale(customer_charge)::text " +
        "FROM usage_rollup_day WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, deployment_id LIMIT $4";

    private const string BudgetChangesSql =
        "SELECT seq, changed_by, changed_at, enabled, soft_cap_tokens, hard_cap_tokens, period FROM port_budget_change " +
        "WHERE port_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3";

    // Served by the partial index ledger_journal_grants (0008): the predicate is repeated literally.
    private const string GrantsSql =
        "SELECT op_key, response::text FROM ledger_journal " +
        "WHERE kind = 'pool' AND account_id = $1 AND operation = 'grant' AND ($2::text IS NULL OR op_key > $2) " +
        "ORDER BY op_key LIMIT $3";

    public static async Task<(List<PoolView> Items, bool More)> PoolsAsync(NpgsqlDataSource db, string? after, int limit, DateTimeOffset now)
    {
        await using var cmd = db.CreateCommand(PoolPageSql);
        AddPage(cmd, after, limit, now);
        var items = new List<PoolView>(limit);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == limit)
            {
                return (items, true);
            }

            var pool = LedgerJson.Deserialize<PoolAccount>(reader.GetString(1));
            long reserved = reader.GetInt64(2);
            items.Add(new PoolView(reader.GetString(0), pool.UsedMicros, reserved, pool.LimitMicros, PoolRules.Remaining(pool, reserved)));
        }

        return (items, false);
    }

    public static async Task<(List<PortView> Items, bool More)> PortsAsync(NpgsqlDataSource db, string? after, int limit, DateTimeOffset now)
    {
        var day = UtcCalendar.PeriodStart(BudgetPeriod.Day, now);
        var week = UtcCalendar.PeriodStart(BudgetPeriod.Week, now);
        var month = UtcCalendar.PeriodStart(BudgetPeriod.Month, now);
        await using var cmd = db.CreateCommand(PortPageSql);
        AddPage(cmd, after, limit, now);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = week });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = month });
        var items = new List<PortView>(limit);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == limit)
            {
                return (items, true);
            }

            var budget = LedgerJson.Deserialize<PortAccount>(reader.GetString(1)).Budget;
            long reserved = reader.GetInt64(2);
            var (start, used) = budget.Period switch
            {
                BudgetPeriod.Day => (day, reader.GetInt64(3)),
                BudgetPeriod.Week => (week, reader.GetInt64(4)),
                _ => (month, reader.GetInt64(5)),
            };
            items.Add(new PortView(
                reader.GetString(0), budget, UtcCalendar.StartOf(start), used, reserved,
                PortRules.Remaining(budget, used, reserved), PortRules.SoftCapReached(budget, used)));
        }

        return (items, false);
    }

    public static async Task<(List<TenantSummary> Items, bool More)> TenantsAsync(NpgsqlDataSource db, string? after, int limit)
    {
        await using var cmd = db.CreateCommand(TenantPageSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var items = new List<TenantSummary>(limit);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == limit)
            {
                return (items, true);
            }

            items.Add(new TenantSummary(reader.GetString(0)));
        }

        return (items, false);
    }

    /// <summary>The days, or null when there are more than <see cref="Limits.MaxSeriesRows"/>.</summary>
    public static async Task<List<PortDay>?> PortDailyAsync(NpgsqlDataSource db, string portId, DateOnly from, DateOnly to)
    {
        await using var cmd = db.CreateCommand(PortDailySql);
        AddSeries(cmd, portId, from, to);
        var items = new List<PortDay>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == Limits.MaxSeriesRows)
            {
                return null;
            }

            items.Add(new PortDay(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return items;
    }

    /// <summary>
    /// The days, or null when there are more than <see cref="Limits.MaxSeriesRows"/>. A day's sums
    /// are numeric in PostgreSQL; one past a long (never in practice) throws <see cref="OverflowException"/>.
    /// </summary>
    public static async Task<List<TenantDay>?> TenantDailyAsync(NpgsqlDataSource db, string tenantId, DateOnly from, DateOnly to)
    {
        await using var cmd = db.CreateCommand(TenantDailySql);
        AddSeries(cmd, tenantId, from, to);
        var items = new List<TenantDay>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == Limits.MaxSeriesRows)
            {
                return null;
            }

            items.Add(new TenantDay(
                reader.GetFieldValue<DateOnly>(0), reader.GetString(1),
                checked((long)reader.GetDecimal(2)), checked((long)reader.GetDecimal(3)), checked((long)reader.GetDecimal(4)),
                reader.GetString(5)));
        }

        return items;
    }

    public static async Task<(List<BudgetChange> Items, bool More)> BudgetChangesAsync(NpgsqlDataSource db, string portId, long? before, int limit)
    {
        await using var cmd = db.CreateCommand(BudgetChangesSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = portId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var items = new List<BudgetChange>(limit);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == limit)
            {
                return (items, true);
            }

            items.Add(new BudgetChange(
                reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3),
                reader.GetInt64(4), reader.GetInt64(5), Enum.Parse<BudgetPeriod>(reader.GetString(6), ignoreCase: true)));
        }

        return (items, false);
    }

    public static async Task<(List<PoolGrantReceipt> Items, bool More)> GrantsAsync(NpgsqlDataSource db, string poolId, string? after, int limit)
    {
        await using var cmd = db.CreateCommand(GrantsSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = poolId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var items = new List<PoolGrantReceipt>(limit);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (items.Count == limit)
            {
                return (items, true);
            }

            // The grant's first answer, as the journal keeps it for replays.
            items.Add(LedgerJson.Deserialize<PoolGrantReceipt>(reader.GetString(1)));
        }

        return (items, false);
    }

    private static void AddPage(NpgsqlCommand cmd, string? after, int limit, DateTimeOffset now)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
    }

    private static void AddSeries(NpgsqlCommand cmd, string id, DateOnly from, DateOnly to)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Limits.MaxSeriesRows + 1 });
    }
}
