using Metering.Grains.Storage;
using Metering.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Metering.Tests.Engine;

public sealed class SchemaMigratorTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_FromSeveralProcessesAtOnce_AppliesEachMigrationOnce()
    {
        string db = await postgres.CreateDatabaseAsync("migrate");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SchemaMigrator.MigrateAsync(db, NullLogger.Instance, ct: Ct)));
        var again = await SchemaMigrator.MigrateAsync(db, NullLogger.Instance, ct: Ct);

        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), runs.SelectMany(r => r).Order());
        Assert.Empty(again);
        await using var source = NpgsqlDataSource.Create(db);
        await using var cmd = source.CreateCommand("SELECT count(*) FROM OrleansQuery");
        Assert.True((long)(await cmd.ExecuteScalarAsync(Ct))! >= 12, "the Orleans query rows exist");
    }

    [Fact]
    public async Task Migrate_WithSynchronousCommitOff_RefusesToStart()
    {
        string db = await postgres.CreateDatabaseAsync("nosync");
        var builder = new NpgsqlConnectionStringBuilder(db) { Options = "-c synchronous_commit=off" };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaMigrator.MigrateAsync(builder.ConnectionString, NullLogger.Instance, ct: Ct));

        Assert.Contains("synchronous_commit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrations_AreNumberedWithoutGaps()
    {
        var versions = SchemaMigrator.Migrations.Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }
}
