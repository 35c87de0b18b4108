using Metering.Grains.Storage;
using Npgsql;

namespace Metering.Silo.Hosting;

/// <summary>
/// The schema step before the host starts: migrate (<see cref="MigrationSettings.MigrateOnly"/> or
/// <see cref="MigrationSettings.OnStart"/>) or only check (<see cref="SchemaCheck"/>). A failure is
/// logged as one clear line, with the exception after it, and reported as <c>false</c> so the
/// process exits non-zero instead of dying with an unhandled exception.
/// </summary>
public static partial class SchemaStartup
{
    /// <summary>True when the schema is ready for this silo (migrated, or checked current).</summary>
    public static async Task<bool> PrepareAsync(
        string connectionString, MigrationSettings settings, ILogger logger, CancellationToken ct = default)
    {
        bool migrate = settings.MigrateOnly || settings.OnStart;
        try
        {
            if (migrate)
            {
                await SchemaMigrator.MigrateAsync(connectionString, logger, settings.Wait, ct);
            }
            else
            {
                await SchemaCheck.RequireCurrentAsync(connectionString, logger, settings.Wait, ct);
            }

            return true;
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogFailed(logger, migrate ? "Schema migration failed" : "Schema check failed", Explain(error, migrate), error);
            return false;
        }
    }

    private static string Explain(Exception error, bool migrate) => error switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg when migrate =>
            $"{pg.MessageText}. Migrations create tables and functions: run them as the role that owns the database " +
            $"(the migrator role, deploy/k8s/README.md \"Database roles\"), and set Metering:Migrations:OnStart=false " +
            "where the silo runs as a role without DDL rights",
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        _ => error.Message,
    };

    [LoggerMessage(Level = LogLevel.Critical, Message = "{What}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, string reason, Exception error);
}
