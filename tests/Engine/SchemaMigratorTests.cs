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

    [Theory]
    [InlineData("57P01", true)] // admin_shutdown: pg_terminate_backend, a fast shutdown
    [InlineData("57P02", true)] // crash_shutdown
    [InlineData("57P03", true)] // cannot_connect_now: the server is starting
    [InlineData("08006", true)] // connection_failure
    [InlineData("40001", true)] // serialization_failure
    [InlineData("40P01", true)] // deadlock_detected
    [InlineData("42601", false)] // syntax_error: a broken migration never heals
    [InlineData("42501", false)] // insufficient_privilege
    [InlineData("23505", false)] // unique_violation
    public void IsTransient_ByServerError_RetriesOnlyWhatANewAttemptCanOutlive(string sqlState, bool transient)
    {
        var error = new PostgresException("test", "FATAL", "FATAL", sqlState);

        Assert.Equal(transient, SchemaMigrator.IsTransient(error));
    }

    [Fact]
    public async Task Migrate_WhileConnectionsAreTerminatedInALoop_KeepsTryingAndAppliesEachMigrationOnce()
    {
        string db = await postgres.CreateDatabaseAsync("terminated");
        string name = new NpgsqlConnectionStringBuilder(db).Database!;
        using var stop = new CancellationTokenSource();
        var looping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var terminator = Task.Run(async () =>
        {
            await using var admin = NpgsqlDataSource.Create(postgres.ConnectionString);
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = admin.CreateCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()");
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                await cmd.ExecuteScalarAsync(CancellationToken.None);
                looping.TrySetResult();
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);
        await looping.Task;

        // A silo starting during an operator's pg_terminate_backend loop (the fault harness saw
        // one crash on 57P01) must keep trying until the loop ends, not exit.
        var migrating = SchemaMigrator.MigrateAsync(db, NullLogger.Instance, TimeSpan.FromSeconds(60), Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        stop.Cancel();
        await terminator;
        var applied = await migrating;

        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), applied.Order());
        Assert.Empty(await SchemaMigrator.MigrateAsync(db, NullLogger.Instance, ct: Ct));
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
