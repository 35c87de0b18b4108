using Microsoft.Extensions.Logging;
using Npgsql;

namespace Metering.Grains.Storage;

/// <summary>
/// Applies the numbered SQL files embedded in this assembly (<c>Storage/Migrations/NNNN_name.sql</c>)
/// in order, each once, all in one transaction under a PostgreSQL advisory lock: several silos
/// starting at once are safe (one migrates, the others wait and find nothing to do), and running
/// it twice is a no-op. Also refuses to run on a server where commits are not durable.
/// </summary>
public static partial class SchemaMigrator
{
    // An arbitrary constant, fixed forever: every process takes this lock to migrate.
    private const long MigrationLockKey = 0x4D_45_54_45_52_49_4E_47; // "METERING"

    private const string CreateHistorySql =
        "CREATE TABLE IF NOT EXISTS schema_migrations (" +
        "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";
    private const string AppliedSql = "SELECT version FROM schema_migrations";
    private const string RecordSql = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";
    private const string ResourcePrefix = "Metering.Migrations.";

    /// <summary>The embedded migrations, ordered by number.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>
    /// Migrates the database behind <paramref name="connectionString"/>, retrying while PostgreSQL
    /// is unreachable for up to <paramref name="waitForDatabase"/>. Returns the versions applied now.
    /// </summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(
        string connectionString, ILogger logger, TimeSpan waitForDatabase = default, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + waitForDatabase;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await MigrateOnceAsync(connectionString, logger, ct);
            }
            catch (NpgsqlException error) when (IsTransient(error) && DateTime.UtcNow < deadline)
            {
                LogWaiting(logger, attempt, error.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), ct);
            }
        }
    }

    /// <summary>
    /// True for failures that a new attempt can outlive: no connection (the server starting,
    /// down or unreachable), a connection ended by the server (an admin's pg_terminate_backend,
    /// a shutdown or crash: SQLSTATE class 57), a connection error (class 08), or a lost
    /// serialization race. A migration runs in one transaction, so trying it again is safe.
    /// Anything else (bad SQL, missing rights) fails at once.
    /// </summary>
    internal static bool IsTransient(NpgsqlException error) => error switch
    {
        PostgresException { SqlState: var state } =>
            state.StartsWith("57", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal)
            || state is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        _ => true,
    };

    private static async Task<IReadOnlyList<int>> MigrateOnceAsync(string connectionString, ILogger logger, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await RequireDurableCommitsAsync(conn, ct);

        // Everything, the history table included, happens under the lock: concurrent
        // CREATE TABLE IF NOT EXISTS statements can otherwise collide on the table's type.
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand(LockSql, conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var create = new NpgsqlCommand(CreateHistorySql, conn, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand(AppliedSql, conn, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var now = new List<int>();
        foreach (var (version, name, sql) in Migrations)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            LogApplying(logger, version, name);
            await using (var apply = new NpgsqlCommand(sql, conn, tx))
            {
                await apply.ExecuteNonQueryAsync(ct);
            }

            await using (var record = new NpgsqlCommand(RecordSql, conn, tx))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                await record.ExecuteNonQueryAsync(ct);
            }

            now.Add(version);
        }

        await tx.CommitAsync(ct);
        LogDone(logger, now.Count, Migrations.Count);
        return now;
    }

    /// <summary>
    /// "Durable before acknowledged" needs commits that wait for the WAL flush. Refuse to start
    /// on a server where <c>synchronous_commit</c> is off.
    /// </summary>
    public static async Task RequireDurableCommitsAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", conn);
        string? value = (string?)await show.ExecuteScalarAsync(ct);
        if (value is null or "off")
        {
            throw new InvalidOperationException(
                $"PostgreSQL has synchronous_commit = {value ?? "unknown"}: an acknowledged write could be lost. " +
                "Set synchronous_commit = on for this database or role.");
        }
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            string file = resource[ResourcePrefix.Length..];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], out int version))
            {
                throw new InvalidOperationException($"migration {file} is not named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((version, file, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (int i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Item1 == migrations[i - 1].Item1)
            {
                throw new InvalidOperationException($"two migrations are numbered {migrations[i].Item1}");
            }
        }

        return migrations;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {Version} ({Name})")]
    private static partial void LogApplying(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema up to date: {Applied} applied now, {Total} known")]
    private static partial void LogDone(ILogger logger, int applied, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);
}
