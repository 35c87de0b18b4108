using Metering.Tests.Support;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Metering.Grains.Storage;
using Metering.Silo.Hosting;
using Metering.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// The migration Job and the silo that runs without DDL rights (issue #10, Kubernetes): the silo
/// started with <c>--migrate-only</c> migrates and exits; one started with
/// <c>Metering__Migrations__OnStart=false</c> only checks the schema, and fails clearly when it is
/// behind. Real processes on the test run's PostgreSQL, each test in its own database.
/// </summary>
public sealed partial class MigrateOnlyTests(PostgresFixture postgres)
{
    private const string AdminKey = "e2e-migrate-admin";
    private const string MigrateOnlyArgument = "--migrate-only";

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateOnly_OnAnEmptyDatabase_AppliesEveryMigrationAndExitsZero_AndAgainAsANoOp()
    {
        string connectionString = await postgres.CreateDatabaseAsync("migrate_only");

        var first = await RunToExitAsync("migrate-first", Silo(connectionString), "Schema up to date", MigrateOnlyArgument);
        var second = await RunToExitAsync("migrate-again", Silo(connectionString), "Schema up to date", MigrateOnlyArgument);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"Schema up to date: {SchemaMigrator.Migrations.Count} applied now", first.OutputTail, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Schema up to date: 0 applied now", second.OutputTail, StringComparison.Ordinal);
        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), await AppliedVersionsAsync(connectionString));
    }

    [Fact]
    public async Task MigrateOnly_AsTheRuntimeRole_ExitsOneAndSaysToUseTheMigratorRole()
    {
        var roles = await CreateRolesAsync("migrate_denied");

        var run = await RunToExitAsync("migrate-denied", Silo(roles.Runtime), "Schema migration failed", MigrateOnlyArgument);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("permission denied", run.OutputTail, StringComparison.Ordinal);
        Assert.Contains("the migrator role", run.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NotMigratingOnAnEmptyDatabase_ExitsOneSayingThereIsNoSchema()
    {
        string connectionString = await postgres.CreateDatabaseAsync("no_schema");

        var run = await RunToExitAsync("silo-no-schema", Silo(connectionString, onStart: false, waitSeconds: 0), "Schema check failed");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Schema not current: the database has no schema yet", run.OutputTail, StringComparison.Ordinal);
        Assert.Contains(MigrateOnlyArgument, run.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NotMigratingOnAnOlderSchema_ExitsOneNamingTheMissingMigration()
    {
        string connectionString = await postgres.CreateDatabaseAsync("old_schema");
        await SchemaMigrator.MigrateAsync(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct: Ct);
        var latest = SchemaMigrator.Migrations[^1];
        await ExecuteAsync(connectionString, $"DELETE FROM schema_migrations WHERE version = {latest.Version}");

        var run = await RunToExitAsync("silo-old-schema", Silo(connectionString, onStart: false, waitSeconds: 1), "Schema check failed");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(
            $"1 of the {SchemaMigrator.Migrations.Count} migrations this silo needs are not applied ({latest.Name})",
            run.OutputTail,
            StringComparison.Ordinal);
    }

    /// <summary>
    /// The Kubernetes flow end to end, with the roles and grants of deploy/k8s/README.md (its SQL
    /// block is read from the file, so the documentation cannot drift from what is tested): a silo
    /// of the runtime role starts first and waits, the migration runs as the migrator role, then
    /// that silo and a client-api of the runtime role serve a reservation. Nothing of the runtime
    /// role may create a table, so nothing at runtime needs DDL rights.
    /// </summary>
    [Fact]
    public async Task RuntimeRole_WithTheReadmeGrants_WaitsForTheMigrationJob_ThenServesWithoutDdlRights()
    {
        var roles = await CreateRolesAsync("runtime_role");
        string clusterId = $"e2e-mig-{Guid.NewGuid():N}"[..16];
        var siloUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var siloEnvironment = Silo(roles.Runtime, onStart: false, waitSeconds: 120);
        siloEnvironment["Orleans__ClusterId"] = clusterId;
        siloEnvironment["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        siloEnvironment["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var silo = AppProcess.Start("silo-runtime", "silo", siloEnvironment, $"--urls={siloUrl}");
        await WaitForOutputAsync(silo, "Waiting for the schema to be migrated");

        var job = await RunToExitAsync("migrate-job", Silo(roles.Migrator), "Schema up to date", MigrateOnlyArgument);
        Assert.Equal(0, job.ExitCode);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await silo.WaitReadyAsync(probe, new Uri(siloUrl, "/readyz").ToString(), StartTimeout);

        var apiUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var api = AppProcess.Start("client-api-runtime", "client-api", new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = roles.Runtime,
            ["Orleans__ClusterId"] = clusterId,
            ["Metering__ApiKeys__admin__Key"] = AdminKey,
            ["Metering__ApiKeys__admin__Scopes"] = "relay,admin",
        }, $"--urls={apiUrl}");
        await api.WaitReadyAsync(probe, new Uri(apiUrl, "/readyz").ToString(), StartTimeout);
        using var http = new HttpClient { BaseAddress = apiUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var reserve = await http.PostAsync(
            "/v1/installs/e2e-runtime-role/reservations",
            new StringContent("""{"requestId":"r1","tier":"core","hasHardware":false}""", Encoding.UTF8, "application/json"),
            Ct);

        Assert.True(
            reserve.StatusCode == HttpStatusCode.Created,
            $"reserve answered {(int)reserve.StatusCode}: {await reserve.Content.ReadAsStringAsync(Ct)}{Environment.NewLine}{silo.OutputTail}");
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(roles.Runtime, "CREATE TABLE runtime_may_not (id int)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Theory]
    [InlineData(new string[0], null, null, null, false, true, 60)]
    [InlineData(new[] { "--migrate-only" }, null, null, null, true, true, 60)]
    [InlineData(new string[0], "true", null, null, true, true, 60)]
    [InlineData(new string[0], null, "false", "0", false, false, 0)]
    [InlineData(new string[0], null, "false", "3600", false, false, 3600)]
    public void MigrationSettings_FromArgumentsAndConfiguration_ReadsEachSetting(
        string[] args, string? migrateOnly, string? onStart, string? waitSeconds, bool expectMigrateOnly, bool expectOnStart, int expectWaitSeconds)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Metering:MigrateOnly"] = migrateOnly,
            ["Metering:Migrations:OnStart"] = onStart,
            ["Metering:Migrations:WaitSeconds"] = waitSeconds,
        }.Where(kv => kv.Value is not null)).Build();

        var settings = MigrationSettings.From(config, args);

        Assert.Equal(new MigrationSettings(expectMigrateOnly, expectOnStart, TimeSpan.FromSeconds(expectWaitSeconds)), settings);
        Assert.DoesNotContain(MigrateOnlyArgument, MigrationSettings.WithoutMigrateOnly(args));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3601")]
    public void MigrationSettings_WaitSecondsOutOfRange_ThrowsNamingTheSetting(string waitSeconds)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(
            [new KeyValuePair<string, string?>("Metering:Migrations:WaitSeconds", waitSeconds)]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => MigrationSettings.From(config, []));

        Assert.Contains("Metering:Migrations:WaitSeconds", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Silo(string connectionString, bool onStart = true, int waitSeconds = 10) => new()
    {
        ["ConnectionStrings__Metering"] = connectionString,
        ["Metering__Migrations__OnStart"] = onStart ? "true" : "false",
        ["Metering__Migrations__WaitSeconds"] = waitSeconds.ToString(CultureInfo.InvariantCulture),
        // Ports of their own, should a run not exit as expected and start a silo.
        ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Runs the silo until it exits and <paramref name="lastWords"/> is in its output (the output
    /// is read asynchronously and may trail the exit), and returns its exit code and output.
    /// </summary>
    private static async Task<Exited> RunToExitAsync(string name, Dictionary<string, string> environment, string lastWords, params string[] args)
    {
        var process = AppProcess.Start(name, "silo", environment, [.. args, $"--urls=http://127.0.0.1:{FreePort.Next()}"]);
        try
        {
            var deadline = DateTime.UtcNow + ExitTimeout;
            while (!process.HasExited)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{name} did not exit within {ExitTimeout}:{Environment.NewLine}{process.OutputTail}");
                }

                await Task.Delay(100, Ct);
            }

            await WaitForOutputAsync(process, lastWords);
            return new Exited(process.ExitCode, process.OutputTail);
        }
        finally
        {
            await process.DisposeAsync();
        }
    }

    private sealed record Exited(int ExitCode, string OutputTail);

    private static async Task WaitForOutputAsync(AppProcess process, string text)
    {
        var deadline = DateTime.UtcNow + ExitTimeout;
        while (!process.OutputTail.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{process.Name} did not print \"{text}\" (exited: {process.HasExited}):{Environment.NewLine}{process.OutputTail}");
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>
    /// A fresh database owned by a new migrator role, a new runtime role, and the grants of
    /// deploy/k8s/README.md run as the migrator, as an operator would. Roles are per cluster, so
    /// their names are unique. Returns both roles' connection strings (trust auth: no passwords).
    /// </summary>
    private async Task<(string Migrator, string Runtime)> CreateRolesAsync(string prefix)
    {
        string admin = await postgres.CreateDatabaseAsync(prefix);
        string database = new NpgsqlConnectionStringBuilder(admin).Database!;
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string migrator = $"mig_{suffix}";
        string runtime = $"run_{suffix}";
        await ExecuteAsync(
            admin,
            $"CREATE ROLE {migrator} LOGIN; CREATE ROLE {runtime} LOGIN; ALTER DATABASE \"{database}\" OWNER TO {migrator}");

        string migratorConnection = new NpgsqlConnectionStringBuilder(admin) { Username = migrator }.ConnectionString;
        string grants = ReadmeGrants()
            .Replace("metering_runtime", runtime, StringComparison.Ordinal)
            .Replace("DATABASE metering", $"DATABASE \"{database}\"", StringComparison.Ordinal);
        await ExecuteAsync(migratorConnection, grants);
        return (migratorConnection, new NpgsqlConnectionStringBuilder(admin) { Username = runtime }.ConnectionString);
    }

    /// <summary>The SQL block that follows the <c>runtime-grants</c> marker in deploy/k8s/README.md.</summary>
    private static string ReadmeGrants()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "k8s", "README.md"));
        var match = GrantsBlock().Match(readme);
        Assert.True(match.Success, "deploy/k8s/README.md has no ```sql block after <!-- runtime-grants -->");
        return match.Groups["sql"].Value;
    }

    [GeneratedRegex(@"<!-- runtime-grants[^>]*-->\s*```sql\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex GrantsBlock();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, conn);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<int>> AppliedVersionsAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", conn);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var versions = new List<int>();
        while (await reader.ReadAsync(Ct))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }
}
