using Metering.GrainInterfaces.Common;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Npgsql;

namespace Metering.Grains.Ports;

/// <summary>
/// The port account kind, for the engine: usage increments and budget changes go in the flush's
/// transaction; the usage of the kept window is loaded with the ledger as its side state.
/// </summary>
internal sealed class PortLedgerKind : LedgerKind<PortAccount, PortHoldDetail>
{
    private const string LoadUsageSql =
        "SELECT day, feature, tokens, calls FROM port_usage_day WHERE port_id = $1 AND day >= $2";

    // Increments add to the cell; one statement may touch a cell once, so they are summed first.
    private const string AddUsageSql =
        "INSERT INTO port_usage_day AS p (port_id, day, feature, tokens, calls) " +
        "SELECT $1, d, f, t, c FROM unnest($2::date[], $3::text[], $4::bigint[], $5::bigint[]) AS u(d, f, t, c) " +
        "ON CONFLICT (port_id, day, feature) DO UPDATE SET tokens = p.tokens + excluded.tokens, calls = p.calls + excluded.calls";

    private const string InsertChangeSql =
        "INSERT INTO port_budget_change (port_id, seq, changed_by, changed_at, enabled, soft_cap_tokens, hard_cap_tokens, period) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

    public static PortLedgerKind Instance { get; } = new();

    public override string Name => AccountKinds.Port;

    public override PortAccount Blank(string accountId, DateTimeOffset now) => PortAccount.Blank;

    public override void CheckInvariants(PortAccount account)
    {
        var budget = account.Budget;
        Invariant.Require(budget.SoftCapTokens >= 0 && budget.SoftCapTokens <= budget.HardCapTokens, "a port's soft cap is out of range");
        Invariant.Require(budget.HardCapTokens <= Limits.MaxAmount, "a port's hard cap is out of range");
        Invariant.Require(account.BudgetChanges >= 0, "a port's change count is negative");
    }

    public override async Task<object?> LoadSideStateAsync(LedgerStore store, string accountId, DateTimeOffset now)
    {
        var book = new PortUsageBook();
        await using var cmd = store.DataSource.CreateCommand(LoadUsageSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = OldestKeptDay(now) });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            book.Add(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return book;
    }

    /// <summary>The first day of the kept window: a month is at most 31 days long.</summary>
    public static DateOnly OldestKeptDay(DateTimeOffset now) => UtcCalendar.Day(now).AddDays(-(Limits.PortUsageWindowDays - 1));

    public override IEnumerable<NpgsqlBatchCommand> ExtraCommands(string accountId, IReadOnlyList<object> extras)
    {
        var increments = extras.OfType<PortUsageIncrement>()
            .GroupBy(i => (i.Day, i.Feature))
            .Select(g => new PortUsageIncrement(g.Key.Day, g.Key.Feature, g.Sum(i => i.Tokens), g.Sum(i => i.Calls)))
            .ToList();
        if (increments.Count > 0)
        {
            var add = new NpgsqlBatchCommand(AddUsageSql);
            add.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
            add.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = [.. increments.Select(i => i.Day)] });
            add.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. increments.Select(i => i.Feature)] });
            add.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. increments.Select(i => i.Tokens)] });
            add.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. increments.Select(i => i.Calls)] });
            yield return add;
        }

        foreach (var change in extras.OfType<PortBudgetChange>())
        {
            var insert = new NpgsqlBatchCommand(InsertChangeSql);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Sequence });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.ChangedBy });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = change.At });
            insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = change.Budget.Enabled });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Budget.SoftCapTokens });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Budget.HardCapTokens });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Budget.Period.ToString().ToLowerInvariant() });
            yield return insert;
        }
    }
}
