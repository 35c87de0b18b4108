using Metering.GrainInterfaces.Common;
using Metering.Grains.Engine;
using Metering.Grains.Installs;
using Metering.Grains.Retention;
using Metering.Grains.Storage;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Metering.Tests.Retention;

/// <summary>
/// A fresh database and a way to write ledger rows at chosen times through the real write path
/// (<see cref="LedgerStore.FlushAsync"/>), then read back exactly which rows are left. Not
/// thread-safe: one per test.
/// </summary>
internal sealed class RetentionRig : IAsyncDisposable
{
    /// <summary>Where every test's story starts.</summary>
    public static readonly DateTimeOffset T = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<(string Kind, string Account), long> _versions = [];
    private readonly Dictionary<(string Kind, string Account, string Key), StoredHold> _holds = [];

    private RetentionRig(NpgsqlDataSource db)
    {
        Db = db;
        Store = new LedgerStore(db);
    }

    public NpgsqlDataSource Db { get; }

    public LedgerStore Store { get; }

    public static async Task<RetentionRig> CreateAsync(PostgresFixture postgres, string name) =>
        new(NpgsqlDataSource.Create(await MeteringDatabase.CreateAsync(postgres, name)));

    /// <summary>A cleaner with <paramref name="settings"/> (default: the defaults), timing itself with <paramref name="elapsed"/>.</summary>
    public RetentionCleaner Cleaner(RetentionSettings? settings = null, TimeProvider? elapsed = null, ILogger? logger = null) =>
        new(Db, settings ?? RetentionSettings.Default, logger ?? NullLogger.Instance, elapsed ?? TimeProvider.System);

    public Task Reserve(string account, string key, DateTimeOffset at, int ttlSeconds = 300, string kind = AccountKinds.Install)
    {
        var hold = new StoredHold(key, ReservationState.Reserved, 1, "tag", at, at.AddSeconds(ttlSeconds), "{}", null, null, false);
        _holds[(kind, account, key)] = hold;
        return Flush(kind, account, at, Entry(key, Operations.Reserve, at), hold);
    }

    public Task Commit(string account, string key, DateTimeOffset at, string kind = AccountKinds.Install)
    {
        var hold = _holds[(kind, account, key)];
        hold = hold with { State = ReservationState.Committed, ClosedAt = at, CommittedAmount = 1, Late = hold.ExpiresAt <= at };
        _holds[(kind, account, key)] = hold;
        return Flush(kind, account, at, Entry(key, Operations.Commit, at), hold);
    }

    public Task Release(string account, string key, DateTimeOffset at, string kind = AccountKinds.Install)
    {
        var hold = _holds[(kind, account, key)] with { State = ReservationState.Released, ClosedAt = at };
        _holds[(kind, account, key)] = hold;
        return Flush(kind, account, at, Entry(key, Operations.Release, at), hold);
    }

    /// <summary>A keyed operation without a hold: a grant, a free call, a port usage record.</summary>
    public Task Keyed(string account, string key, string operation, DateTimeOffset at, string kind = AccountKinds.Install) =>
        Flush(kind, account, at, Entry(key, operation, at), null);

    /// <summary>The journal rows of one account, as "key:operation", sorted.</summary>
    public Task<List<string>> Journal(string account) =>
        Strings("SELECT op_key || ':' || operation FROM ledger_journal WHERE account_id = $1 ORDER BY 1", account);

    /// <summary>The hold rows of one account, as "requestId:state", sorted.</summary>
    public Task<List<string>> Holds(string account) =>
        Strings("SELECT request_id || ':' || state FROM ledger_hold WHERE account_id = $1 ORDER BY 1", account);

    public async Task<long> Count(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct) ?? 0L);
    }

    public async Task Execute(string sql, params object[] values)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (object value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await cmd.ExecuteNonQueryAsync(Ct);
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JournalEntry Entry(string key, string operation, DateTimeOffset at) =>
        new(key, operation, [1, 2, 3], $$"""{"first":"{{key}}:{{operation}}"}""", at);

    private async Task Flush(string kind, string account, DateTimeOffset at, JournalEntry journal, StoredHold? hold)
    {
        long version = _versions.GetValueOrDefault((kind, account));
        // An install's state is loaded again by some tests; the other kinds' rows are only counted.
        string state = kind == AccountKinds.Install ? LedgerJson.Serialize(InstallLedgerKind.Instance.Blank(account, at)) : "{}";
        var outcome = await Store.FlushAsync(
            new AccountWrite(kind, account, version, state, at, 1, [journal], hold is null ? [] : [hold], []), Ct);
        Assert.Equal(FlushStatus.Committed, outcome.Status);
        _versions[(kind, account)] = version + 1;
    }

    private async Task<List<string>> Strings(string sql, string value)
    {
        await using var cmd = Db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
