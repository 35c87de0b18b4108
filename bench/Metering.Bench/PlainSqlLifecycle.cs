using System.Globalization;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The plain SQL design of DESIGN.md for one account kind, as the http scenario's baseline: an
/// account row and a hold row per reservation, on tables of the benchmark's own
/// (<c>bench_{kind}_account</c>, <c>bench_{kind}_hold</c>) in its throwaway database, never the
/// ledger's. A reserve is one transaction, a commit another, each one statement in one round trip
/// (pgbench runs them prepared, autocommit): the reserve updates the account row only if the hold
/// fits under its cap and inserts the hold only if it did, so the row lock decides and a refusal
/// writes nothing; the commit marks the hold committed and moves its amount from held to used.
/// Plain SQL is given every advantage: bigint ids, no journal, no idempotency check, no audit row.
/// The amounts are <see cref="RelayRequests"/>' own.
/// </summary>
internal sealed class PlainSqlLifecycle
{
    /// <summary>The hot workload's account (the many-account workload uses 1 to N, as pgbench's random(1, N)).</summary>
    public const int HotAccount = 0;

    /// <summary>
    /// RequestIds are <c>base + client_id × ClientStride + n</c>: a client makes far fewer than
    /// 10^9 reserves in a phase, and <see cref="RunStride"/> (10^11) is above 64 clients' share
    /// (6.4 × 10^10), so no two reserves of a run or of two runs share an id.
    /// </summary>
    public const long ClientStride = 1_000_000_000;

    /// <summary>The distance between two runs' requestId bases.</summary>
    public const long RunStride = 100_000_000_000;

    /// <summary>Every hold of the baseline lives API.md's default TTL, as the HTTP path's do.</summary>
    private const int TtlSeconds = Metering.GrainInterfaces.Common.Limits.DefaultTtlSeconds;

    // Table names come from the fixed kind names above, never from input: the only text built
    // into SQL here. Values are parameters (seeding) or pgbench variables (the scripts).
    private readonly string _account;
    private readonly string _hold;
    private readonly long _reserve;
    private readonly long _actual;

    private PlainSqlLifecycle(AccountKind kind, string route, long reserve, long actual)
    {
        Kind = kind;
        _account = $"bench_{route}_account";
        _hold = $"bench_{route}_hold";
        _reserve = reserve;
        _actual = actual;
    }

    public AccountKind Kind { get; }

    public static PlainSqlLifecycle For(AccountKind kind) => kind switch
    {
        AccountKind.Pools => new(kind, "pools", RelayRequests.PoolReserveMicros, RelayRequests.PoolActualMicros),
        AccountKind.Installs => new(kind, "installs", RelayRequests.InstallCredits, RelayRequests.InstallCredits),
        AccountKind.Ports => new(kind, "ports", RelayRequests.PortEstimatedTokens, RelayRequests.PortInputTokens + RelayRequests.PortOutputTokens),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an account kind"),
    };

    /// <summary>(Re)creates the kind's tables and its accounts 0 (hot) to <paramref name="accounts"/>, each with a cap that never refuses.</summary>
    public async Task CreateAsync(NpgsqlDataSource admin, int accounts, CancellationToken ct)
    {
        await Database.ExecuteAsync(
            admin,
            $"DROP TABLE IF EXISTS {_hold}; DROP TABLE IF EXISTS {_account}; " +
            $"CREATE TABLE {_account} (account_id bigint PRIMARY KEY, used bigint NOT NULL, reserved bigint NOT NULL, cap bigint NOT NULL); " +
            $"CREATE TABLE {_hold} (account_id bigint NOT NULL, request_id bigint NOT NULL, amount bigint NOT NULL, actual bigint, " +
            "committed boolean NOT NULL DEFAULT false, expires_at timestamptz NOT NULL, PRIMARY KEY (account_id, request_id))",
            ct);
        await using var seed = admin.CreateCommand(
            $"INSERT INTO {_account} (account_id, used, reserved, cap) SELECT g, 0, 0, $1 FROM generate_series($2::bigint, $3::bigint) AS g");
        seed.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Metering.GrainInterfaces.Common.Limits.MaxAmount });
        seed.Parameters.Add(new NpgsqlParameter<long> { TypedValue = HotAccount });
        seed.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accounts });
        await seed.ExecuteNonQueryAsync(ct);
        await Database.ExecuteAsync(admin, $"VACUUM ANALYZE {_account}", ct);
    }

    /// <summary>
    /// The pgbench script: each pgbench transaction is one request. A client alternates, by its
    /// variable <c>step</c> (0 at the start, from <c>-D step=0</c>): a reserve on a new requestId
    /// (and, in the many-account workload, a random account), then the commit of that same hold.
    /// So pgbench's transaction count, rate and latencies are per request, as on the HTTP path.
    /// </summary>
    /// <param name="accounts">Null: the hot workload (one account); else the many-account workload over 1 to N.</param>
    public string Script(int? accounts)
    {
        string reserve = string.Create(CultureInfo.InvariantCulture,
            $"WITH account AS (UPDATE {_account} SET reserved = reserved + {_reserve} " +
            $"WHERE account_id = :aid AND used + reserved + {_reserve} <= cap RETURNING account_id) " +
            $"INSERT INTO {_hold} (account_id, request_id, amount, expires_at) " +
            $"SELECT account_id, :rid, {_reserve}, now() + interval '{TtlSeconds} seconds' FROM account;");
        string commit = string.Create(CultureInfo.InvariantCulture,
            $"WITH hold AS (UPDATE {_hold} SET committed = true, actual = {_actual} " +
            $"WHERE account_id = :aid AND request_id = :rid AND NOT committed RETURNING account_id, amount, actual) " +
            $"UPDATE {_account} AS a SET reserved = a.reserved - hold.amount, used = a.used + hold.actual " +
            $"FROM hold WHERE a.account_id = hold.account_id;");
        string pick = accounts is int n
            ? string.Create(CultureInfo.InvariantCulture, $"\\set aid random(1, {n})")
            : "\\set aid " + HotAccount.ToString(CultureInfo.InvariantCulture);
        return string.Join('\n',
            "\\if :step = 0",
            pick,
            "\\set n :n + 1",
            string.Create(CultureInfo.InvariantCulture, $"\\set rid :base + :client_id * {ClientStride} + :n"),
            reserve,
            "\\set step 1",
            "\\else",
            commit,
            "\\set step 0",
            "\\endif",
            "");
    }

    /// <summary>Holds in the table, and how many of them are committed: their changes over a run check what pgbench cannot see (rows written).</summary>
    public async Task<(long Holds, long Committed)> CountHoldsAsync(NpgsqlDataSource admin, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand($"SELECT count(*), count(*) FILTER (WHERE committed) FROM {_hold}");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
