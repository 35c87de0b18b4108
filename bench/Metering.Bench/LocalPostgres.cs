using System.Diagnostics;
using System.Text;

namespace Metering.Bench;

/// <summary>
/// A throwaway PostgreSQL for one benchmark run: <c>scripts/pg-local.sh start DIR</c> on a fresh
/// temp folder (durable settings unless <c>--fast</c>), <c>destroy DIR</c> when disposed. The
/// script's progress lines are echoed; its last stdout line is the connection string.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private readonly string _script;
    private readonly string _dir;
    private int _disposed;

    private LocalPostgres(string script, string dir, string connectionString, bool fast)
    {
        _script = script;
        _dir = dir;
        ConnectionString = connectionString;
        Fast = fast;
    }

    /// <summary>Npgsql connection string of database <c>metering</c> (loopback, pool size from the script).</summary>
    public string ConnectionString { get; }

    /// <summary>True when started with <c>--fast</c>: fsync and full_page_writes off.</summary>
    public bool Fast { get; }

    public static async Task<LocalPostgres> StartAsync(string repoRoot, bool fast, CancellationToken ct)
    {
        string script = Path.Combine(repoRoot, "scripts", "pg-local.sh");
        string dir = Path.Combine(Path.GetTempPath(), "metering-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        string[] args = fast ? ["start", dir, "--fast"] : ["start", dir];
        string stdout;
        try
        {
            stdout = await RunAsync(script, args, ct);
        }
        catch
        {
            await TryDestroyAsync(script, dir);
            throw;
        }

        string? connectionString = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (connectionString is null || !connectionString.StartsWith("Host=127.0.0.1;", StringComparison.Ordinal))
        {
            await TryDestroyAsync(script, dir);
            throw new InvalidOperationException($"pg-local.sh printed no loopback connection string; stdout was:\n{stdout}");
        }

        return new LocalPostgres(script, dir, connectionString, fast);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await TryDestroyAsync(_script, _dir);
        }
    }

    private static async Task TryDestroyAsync(string script, string dir)
    {
        try
        {
            await RunAsync(script, ["destroy", dir], CancellationToken.None);
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"bench: could not destroy the PostgreSQL cluster in {dir}: {error.Message}");
        }
    }

    /// <summary>Runs the script with a time limit, echoing its stderr; returns its stdout.</summary>
    private static async Task<string> RunAsync(string script, IReadOnlyList<string> args, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.WriteLine($"  {line}");
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"pg-local.sh {args[0]} did not finish within {ScriptTimeout.TotalSeconds:0} s");
        }

        string output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg-local.sh {args[0]} failed with exit code {process.ExitCode}");
        }

        return output;
    }
}
