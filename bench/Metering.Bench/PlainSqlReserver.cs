using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The baseline of the ledger benchmark: the plain SQL design of DESIGN.md, with no grain. Each
/// reserve is one transaction that updates the account row only if the hold fits
/// (<c>reserved + amount &lt;= credit_limit</c>) and inserts the hold row only if it did, so the row
/// lock of the account decides. Given every advantage plain SQL can have: one prepared statement
/// in one round trip (its own implicit transaction), a pool with one connection per caller, and
/// small rows. Its tables, <c>bench_account</c> and <c>bench_hold</c>, are the benchmark's own,
/// created in the throwaway database next to the ledger tables, never in them.
/// </summary>
internal sealed class PlainSqlReserver : IAsyncDisposable
{
    /// <summary>The accounts' limit: unlimited in effect, as on a tier max install; the check still runs.</summary>
    public const long CreditLimit = Metering.GrainInterfaces.Common.Limits.MaxAmount;

    private const string CreateSql =
        "DROP TABLE IF EXISTS bench_hold; DROP TABLE IF EXISTS bench_account; " +
        "CREATE TABLE bench_account (" +
        "  account_id text COLLATE \"C\" PRIMARY KEY, reserved bigint NOT NULL DEFAULT 0, credit_limit bigint NOT NULL); " +
        "CREATE TABLE bench_hold (" +
        "  account_id text COLLATE \"C\" NOT NULL, request_id text COLLATE \"C\" NOT NULL, amount bigint NOT NULL, " +
        "  expires_at timestamptz NOT NULL, PRIMARY KEY (account_id, request_id))";

    private const string SeedSql =
        "INSERT INTO bench_account (account_id, reserved, credit_limit) SELECT a, 0, $2 FROM unnest($1::text[]) AS u(a) " +
        "ON CONFLICT (account_id) DO NOTHING";

    // The conditional update takes the account's row lock and holds it to the commit; the hold is
    // inserted only when the update matched, so a refusal writes nothing.
    private const string ReserveSql =
        "WITH account AS (" +
        "  UPDATE bench_account SET reserved = reserved + $3 WHERE account_id = $1 AND reserved + $3 <= credit_limit " +
        "  RETURNING account_id) " +
        "INSERT INTO bench_hold (account_id, request_id, amount, expires_at) SELECT account_id, $2, $3, $4 FROM account";

    private readonly NpgsqlDataSource _db;

    private PlainSqlReserver(NpgsqlDataSource db) => _db = db;

    /// <summary>Creates the baseline's tables (dropping earlier ones) and a pool of <paramref name="connections"/>.</summary>
    public static async Task<PlainSqlReserver> CreateAsync(NpgsqlDataSource admin, string connectionString, int connections, CancellationToken ct)
    {
        await Database.ExecuteAsync(admin, CreateSql, ct);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = connections,
            MinPoolSize = 0,
            MaxAutoPrepare = 4,
        };
        return new PlainSqlReserver(NpgsqlDataSource.Create(builder.ConnectionString));
    }

    /// <summary>Creates the account rows that do not exist yet, with nothing reserved. Not timed.</summary>
    public async Task SeedAsync(IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        foreach (var chunk in accountIds.Chunk(10_000))
        {
            await using var cmd = _db.CreateCommand(SeedSql);
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = CreditLimit });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Reserves 1 credit on <paramref name="accountId"/> in one transaction; fails if it was refused.</summary>
    public async Task ReserveAsync(string accountId, string requestId, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(ReserveSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 1 });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow.AddSeconds(ReserveClient.TtlSeconds) });
        int holds = await cmd.ExecuteNonQueryAsync(ct);
        if (holds != 1)
        {
            throw new InvalidOperationException($"the plain SQL reserve {requestId} on {accountId} wrote {holds} holds, expected 1");
        }
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
