using Metering.GrainInterfaces.Common;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Npgsql;

namespace Metering.Grains.Ports;

/// <summary>
/// The port account kind, for the engine: usage increments and budget changes
/// (<see cref="PortUsageIncrement"/>, <see cref="PortBudgetChange"/>) go in the flush's transaction; the usage of the kept window is loaded with the ledger as its side state.
/// </summary>
internal sealed class PortLedgerKind : LedgerKind<PortAccount, PortHoldDetail, PortUsageBook>
{
    private const string LoadUsageSql =
        "SELECT day, feature, tokens, calls FROM port_usage_day WHERE port_id = $1 AND day >= $2";

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

    public override async Task<PortUsageBook> LoadSideAsync(LedgerStore store, string accountId, DateTimeOffset now)
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
}
