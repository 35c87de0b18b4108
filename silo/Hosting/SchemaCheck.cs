using Metering.Grains.Storage;
using Npgsql;

namespace Metering.Silo.Hosting;

/// <summary>
/// For a silo that does not migrate at start (<c>Metering:Migrations:OnStart=false</c>): checks that
/// every migration this silo carries (<see cref="SchemaMigrator.Migrations"/>) is recorded in
/// <c>schema_migrations</c>, and that commits are durable, as the migrator would. It only reads, so
/// the silo's role needs no DDL rights. Versions the silo does not know are fine: a newer release
/// migrated during a rollout while this one still runs, and migrations only add.
/// </summary>
public static partial class SchemaCheck
{
    private const string AppliedSql = "SELECT version FROM schema_migrations";

    /// <summary>
    /// Returns once the schema is current. While PostgreSQL is unreachable or the schema is behind
    /// (a migration Job still running), tries again until <paramref name="wait"/> has passed, then
    /// throws <see cref="InvalidOperationException"/> naming the missing migrations (or rethrows the
    /// connection error). A role that may not read <c>schema_migrations</c> fails at once.
    /// </summary>
    public static async Task RequireCurrentAsync(string connectionString, ILogger logger, TimeSpan wait, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + wait;
        for (int attempt = 1; ; attempt++)
        {
            string? behind;
            try
            {
                behind = await FindMissingAsync(connectionString, ct);
            }
            catch (NpgsqlException error) when (IsUnreachable(error) && DateTime.UtcNow < deadline)
            {
                LogWaitingForDatabase(logger, attempt, error.Message);
                await Task.Delay(Backoff(attempt), ct);
                continue;
            }

            if (behind is null)
            {
                LogCurrent(logger, SchemaMigrator.Migrations.Count);
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException(
                    $"Schema not current: {behind}. This silo does not migrate at start (Metering:Migrations:OnStart=false): " +
                    $"run the migrations first as the role that owns the schema (the migration Job, the silo with {MigrationSettings.MigrateOnlyArgument}), " +
                    "then start the silo again.");
            }

            LogWaitingForSchema(logger, attempt, behind);
            await Task.Delay(Backoff(attempt), ct);
        }
    }

    /// <summary>Null when every known migration is applied; otherwise what is missing, in words.</summary>
    private static async Task<string?> FindMissingAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await SchemaMigrator.RequireDurableCommitsAsync(conn, ct);

        var applied = new HashSet<int>();
        try
        {
            await using var read = new NpgsqlCommand(AppliedSql, conn);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt32(0));
            }
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return "the database has no schema yet (no schema_migrations table)";
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"The role {conn.UserName} may not read schema_migrations ({error.MessageText}). Grant the runtime role " +
                "SELECT, INSERT, UPDATE, DELETE on the schema's tables (deploy/k8s/README.md, \"Database roles\").", error);
        }

        var missing = SchemaMigrator.Migrations.Where(m => !applied.Contains(m.Version)).Select(m => m.Name).ToList();
        return missing.Count == 0
            ? null
            : $"{missing.Count} of the {SchemaMigrator.Migrations.Count} migrations this silo needs are not applied ({string.Join(", ", missing)})";
    }

    /// <summary>No connection, or a server starting, stopping or dropping connections (SQLSTATE classes 57 and 08).</summary>
    private static bool IsUnreachable(NpgsqlException error) => error switch
    {
        PostgresException { SqlState: var state } =>
            state.StartsWith("57", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal),
        _ => true,
    };

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(attempt, 5));

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema current: all {Known} migrations this silo knows are applied")]
    private static partial void LogCurrent(ILogger logger, int known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the schema to be migrated (attempt {Attempt}): {Missing}")]
    private static partial void LogWaitingForSchema(ILogger logger, int attempt, string missing);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL (attempt {Attempt}): {Reason}")]
    private static partial void LogWaitingForDatabase(ILogger logger, int attempt, string reason);
}
