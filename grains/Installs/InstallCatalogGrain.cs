using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Npgsql;
using Orleans.Concurrency;

namespace Metering.Grains.Installs;

/// <summary>
/// The admin list of installs, read straight from PostgreSQL (what is acknowledged is committed
/// there). Stateless: Orleans runs it wherever it is called.
/// </summary>
[StatelessWorker]
[GrainType("install-catalog")]
internal sealed class InstallCatalogGrain(LedgerStore store, LedgerClock clock) : Grain, IInstallCatalogGrain
{
    // Open, unexpired holds are summed per install; the "C" collation makes the cursor ordinal.
    private const string PageSql =
        "SELECT a.account_id, a.state::text, coalesce(h.reserved, 0), coalesce(h.gemini, 0) " +
        "FROM ledger_account a LEFT JOIN LATERAL (" +
        "  SELECT sum(amount) AS reserved, sum(amount) FILTER (WHERE tag = 'gemini') AS gemini FROM ledger_hold " +
        "  WHERE kind = a.kind AND account_id = a.account_id AND state = 0 AND expires_at > $3) h ON true " +
        "WHERE a.kind = $4 AND ($1::text IS NULL OR a.account_id > $1) " +
        "ORDER BY a.account_id LIMIT $2";

    public async Task<InstallPage> List(string? after, int limit)
    {
        if (limit is < 1 or > Limits.MaxPageSize || (after is not null && !Identifier.IsValid(after)))
        {
            return new InstallPage(Outcome.InvalidRequest, [], null);
        }

        var quotas = await GrainFactory.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Get();
        var now = UtcCalendar.Now(clock);
        string month = UtcCalendar.MonthKey(now);
        var items = new List<InstallAccountView>(limit);
        bool more = false;
        try
        {
            await using var cmd = store.DataSource.CreateCommand(PageSql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccountKinds.Install });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                string installId = reader.GetString(0);
                var account = InstallRules.InMonth(LedgerJson.Deserialize<InstallAccount>(reader.GetString(1)), month);
                long reserved = reader.GetInt64(2);
                var quota = quotas.For(account.Tier);
                var balance = InstallRules.Balance(account, quota, reserved, reader.GetInt64(3));
                items.Add(InstallViews.Account(installId, account, reserved, balance, quota.Basis));
            }
        }
        catch (NpgsqlException)
        {
            return new InstallPage(Outcome.Unavailable, [], null);
        }

        return new InstallPage(Outcome.Ok, items, more ? items[^1].InstallId : null);
    }
}
