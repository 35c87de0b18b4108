using Npgsql;

namespace Metering.Faults.Nodes;

/// <summary>
/// The run's own PostgreSQL, in a temp folder, through scripts/pg-local.sh: started durable
/// (fsync on: an immediate stop must lose nothing committed), stopped immediately as in a crash,
/// started again on the same port.
/// </summary>
internal sealed class PostgresNode : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);
    private readonly string _script = Path.Combine(Repository.Root, "scripts", "pg-local.sh");

    private PostgresNode(string directory, string adminConnectionString)
    {
        Directory = directory;
        AdminConnectionString = adminConnectionString;
    }

    public string Directory { get; }

    /// <summary>The connection string of the admin database (<c>metering</c>).</summary>
    public string AdminConnectionString { get; }

    public static async Task<PostgresNode> StartAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "metering-faults-pg-" + Guid.NewGuid().ToString("N")[..10]);
        string script = Path.Combine(Repository.Root, "scripts", "pg-local.sh");
        string output = await Shell.RunAsync("bash", [script, "start", dir], ScriptTimeout);
        string connectionString = output.Trim().Split('\n')[^1].Trim();
        return new PostgresNode(dir, connectionString);
    }

    /// <summary>Creates a fresh database and returns its connection string, with a pool bound that fits every process.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var db = NpgsqlDataSource.Create(AdminConnectionString))
        await using (var cmd = db.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 40 };
        return builder.ConnectionString;
    }

    /// <summary>Immediate shutdown: every backend is killed, nothing is checkpointed (crash recovery at the next start).</summary>
    public Task StopImmediatelyAsync() => Shell.RunAsync("bash", [_script, "stop", Directory, "--immediate"], ScriptTimeout);

    /// <summary>Starts the stopped server again, on the same port, with the same data.</summary>
    public Task StartAgainAsync() => Shell.RunAsync("bash", [_script, "start", Directory], ScriptTimeout);

    /// <summary>Terminates every backend connected to <paramref name="database"/> (as a failover or an admin would); returns how many.</summary>
    public async Task<int> TerminateBackendsAsync(string database)
    {
        await using var db = NpgsqlDataSource.Create(AdminConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Shell.RunAsync("bash", [_script, "destroy", Directory], ScriptTimeout, check: false);
        }
        catch (TimeoutException)
        {
            // Left behind in the temp folder; nothing else depends on it.
        }
    }
}
