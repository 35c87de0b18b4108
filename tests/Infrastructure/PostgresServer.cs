using System.Diagnostics;
using System.Text;
using Npgsql;

namespace Metering.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for one test run, in a fresh temp folder, driven by
/// <c>scripts/pg-local.sh start DIR --fast</c> (fsync off; synchronous_commit stays on).
/// Tests isolate themselves by database: <see cref="CreateDatabaseAsync"/>.
/// <see cref="DisposeAsync"/> runs <c>pg-local.sh destroy DIR</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DestroyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _script;
    private int _disposed;

    private PostgresServer(string script, string clusterDirectory, string connectionString)
    {
        _script = script;
        ClusterDirectory = clusterDirectory;
        ConnectionString = connectionString;
        // Safety net: a test host that exits without disposing must not leave a server behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Npgsql connection string of the admin database <c>metering</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>The folder handed to pg-local.sh (the cluster lives in it or is recorded in it).</summary>
    public string ClusterDirectory { get; }

    /// <summary>Starts a fresh cluster; throws with pg-local.sh's stderr if that fails.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        string script = Path.Combine(Metering.Tests.Support.RepoPaths.Root, "scripts", "pg-local.sh");
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"PostgreSQL helper script not found: {script}", script);
        }

        // Not created here: pg-local.sh creates it, readable by the postgres user when run as root.
        string dir = Path.Combine(
            Path.GetTempPath(), "metering-test-pg-" + Guid.NewGuid().ToString("N")[..12]);

        ScriptResult result;
        try
        {
            result = await RunScriptAsync(script, ["start", dir, "--fast"], StartTimeout, ct);
        }
        catch
        {
            await TryDestroyAsync(script, dir);
            throw;
        }

        string? connectionString = result.StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
        if (connectionString is null || !connectionString.StartsWith("Host=", StringComparison.Ordinal))
        {
            await TryDestroyAsync(script, dir);
            throw new InvalidOperationException(
                $"pg-local.sh start printed no connection string.{Environment.NewLine}" +
                $"stdout:{Environment.NewLine}{result.StdOut}{Environment.NewLine}" +
                $"stderr:{Environment.NewLine}{result.StdErr}");
        }

        return new PostgresServer(script, dir, connectionString);
    }

    /// <summary>Stops the server, keeping its data (for tests of an unreachable database).</summary>
    public Task StopAsync(CancellationToken ct = default) =>
        RunScriptAsync(_script, ["stop", ClusterDirectory], DestroyTimeout, ct);

    /// <summary>Starts the server again on the same port with the same data.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) =>
        RunScriptAsync(_script, ["start", ClusterDirectory, "--fast"], StartTimeout, ct);

    /// <summary>
    /// Creates an empty database named <paramref name="name"/> (lower-case letters, digits and
    /// underscores, at most 63 characters, not starting with a digit) and returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ValidateDatabaseName(name);

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        return builder.ConnectionString;
    }

    /// <summary>Stops the server and deletes the cluster (pg-local.sh destroy).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        NpgsqlConnection.ClearAllPools();
        await RunScriptAsync(_script, ["destroy", ClusterDirectory], DestroyTimeout, CancellationToken.None);
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        TryDestroyAsync(_script, ClusterDirectory).GetAwaiter().GetResult();
    }

    private static void ValidateDatabaseName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        bool valid = name.Length <= 63
            && !char.IsAsciiDigit(name[0])
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
        if (!valid)
        {
            throw new ArgumentException(
                $"Invalid database name '{name}': use a-z, 0-9 and _, at most 63 characters, not starting with a digit.",
                nameof(name));
        }
    }

    private static async Task TryDestroyAsync(string script, string dir)
    {
        try
        {
            await RunScriptAsync(script, ["destroy", dir], DestroyTimeout, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException
            or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"PostgresServer: cleanup of {dir} failed: {ex.Message}");
        }
    }

    private static async Task<ScriptResult> RunScriptAsync(
        string script, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        string commandLine = $"bash {script} {string.Join(' ', args)}";
        using var process = new Process { StartInfo = startInfo };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start: {commandLine}");
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token);
            await Task.WhenAll(stdout, stderr).WaitAsync(timeoutCts.Token);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            string err = await ReadQuietlyAsync(stderr);
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(
                    $"Cancelled: {commandLine}{Environment.NewLine}stderr:{Environment.NewLine}{err}", null, ct);
            }

            throw new TimeoutException(
                $"Timed out after {timeout.TotalSeconds:0} s: {commandLine}{Environment.NewLine}stderr:{Environment.NewLine}{err}");
        }

        var result = new ScriptResult(await stdout, await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Failed with exit code {process.ExitCode}: {commandLine}{Environment.NewLine}" +
                $"stderr:{Environment.NewLine}{result.StdErr}");
        }

        return result;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task<string> ReadQuietlyAsync(Task<string> stream)
    {
        try
        {
            return await stream.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException)
        {
            return "(stderr unavailable)";
        }
    }

    private readonly record struct ScriptResult(string StdOut, string StdErr);
}
