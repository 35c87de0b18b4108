using System.Diagnostics;

namespace Metering.Bench;

/// <summary>
/// One of the system's own processes (the silo or client-api) run from its Release dll, as an
/// operator would run it: <c>dotnet X.dll</c> with configuration in environment variables, its
/// output in a log file. It runs in a session of its own (<c>setsid</c>), so a Ctrl-C in the
/// benchmark's terminal reaches only the benchmark, which then stops these in order; disposing
/// sends SIGTERM (a graceful stop) and SIGKILL after <see cref="StopTimeout"/>. A benchmark that is
/// itself killed with SIGKILL leaves them running: <c>ss -ltnp</c> shows them on their ports.
/// Not thread-safe: one owner starts and stops it.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>How long a process may take to answer 200 on its readiness URL: a silo migrates the schema first.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Above the silo's own graceful shutdown (45 s by default) would be too long for a benchmark; an idle one stops in seconds.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Lines of the log shown when the process fails to start or exits early.</summary>
    private const int LogTailLines = 40;

    private readonly Process _process;
    private int _stopped;

    private ServiceProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    /// <summary>"silo" or "client-api", for messages.</summary>
    public string Name { get; }

    /// <summary>The pid of the <c>dotnet</c> process itself (setsid and bash exec into it), for its CPU time.</summary>
    public int Pid => _process.Id;

    public string LogPath { get; }

    /// <summary>
    /// Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> with
    /// <paramref name="environment"/> added to this process's environment, and waits until
    /// <paramref name="readyUrl"/> answers 200. Throws <see cref="InvalidOperationException"/> with
    /// the log's last lines if the process exits or is not ready in time.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string name, string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment,
        string logPath, Uri readyUrl, CancellationToken ct)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{name}: {dll} does not exist (build it: dotnet build -c Release, or drop --no-build)");
        }

        // setsid and bash both exec (no fork), so the pid we hold is dotnet's own. The working
        // directory is the dll's, as in the images (WORKDIR /app): it is the content root, where
        // appsettings.json (log levels) is read; from elsewhere every Polly retry pipeline would
        // log at Information and the benchmark would measure logging.
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (string arg in (string[])["bash", "-c", "exec \"$0\" \"$@\" >>\"$METERING_BENCH_LOG\" 2>&1 </dev/null", "dotnet", dll, .. args])
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["METERING_BENCH_LOG"] = logPath;
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name}: could not start dotnet {dll}");
        var service = new ServiceProcess(name, process, logPath);
        try
        {
            await service.WaitReadyAsync(readyUrl, ct);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws with the log's last lines if the process has exited: a benchmark figure from a dead process would be wrong.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited (status {_process.ExitCode}); last lines of {LogPath}:\n{LogTail()}");
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <see cref="StopTimeout"/>; waits for the process to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                Console.WriteLine($"  stopping {Name} (pid {Pid}, SIGTERM)");
                await SignalAsync("TERM");
                using var limit = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"bench: {Name} did not stop within {StopTimeout.TotalSeconds:0} s; killing it");
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Console.Error.WriteLine($"bench: could not stop {Name} (pid {Pid}): {error.Message}");
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitReadyAsync(Uri readyUrl, CancellationToken ct)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ThrowIfExited();
            try
            {
                using var answer = await probe.GetAsync(readyUrl, ct);
                if (answer.IsSuccessStatusCode)
                {
                    Console.WriteLine($"  {Name} ready after {clock.Elapsed.TotalSeconds:N1} s (pid {Pid}, log {LogPath})");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // The probe's own timeout: still starting.
            }

            if (clock.Elapsed > ReadyTimeout)
            {
                throw new InvalidOperationException(
                    $"{Name} did not answer 200 on {readyUrl} within {ReadyTimeout.TotalSeconds:0} s; last lines of {LogPath}:\n{LogTail()}");
            }

            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>.NET sends only SIGKILL itself; <c>kill</c> sends the graceful SIGTERM.</summary>
    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        });
        if (kill is not null)
        {
            await kill.WaitForExitAsync(CancellationToken.None);
        }
    }

    private string LogTail()
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(LogTailLines));
        }
        catch (IOException error)
        {
            return $"(could not read the log: {error.Message})";
        }
    }
}
