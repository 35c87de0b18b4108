using Metering.Grains.Storage;
using Metering.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metering.Tests.Support;

/// <summary>A fresh database with the whole schema applied, as a silo would leave it.</summary>
internal static class MeteringDatabase
{
    public static async Task<string> CreateAsync(PostgresFixture postgres, string prefix)
    {
        string connectionString = await postgres.CreateDatabaseAsync(prefix);
        await SchemaMigrator.MigrateAsync(connectionString, NullLogger.Instance);
        return connectionString;
    }
}
