using System.Collections.Concurrent;
using System.Diagnostics;

namespace Metering.Faults.Nodes;

/// <summary>
/// A silo or client-api running as its own process (its built dll, configuration in environment
/// variables, as API.md "Running it" says), that the harness can kill, pause and resume.
/// </summary>
internal sealed class AppNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppNode(string name, Process process, int httpPort)
    {
        Name = name;
        _process = process;
        HttpPort = httpPort;
    }

    public string Name { get; }

    /// <summary>Where the node serves HTTP: the API for client-api, health and metrics for a silo.</summary>
    public int HttpPort { get; }

    public Uri Url => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The silo-to-silo port (silos only): the partition fault drops traffic to it.</summary>
    public int SiloPort { get; init; }

    public int Pid => _process.Id;

    /// <summary>True for a silo started with its wall clock behind (the clock-skew fault).</summary>
    public bool IsClockSkewed { get; init; }

    public bool HasExited => _process.HasExited;

    public bool IsPaused { get; private set; }

    public string OutputTail => string.Join(Environment.NewLine, _output.TakeLast(40));

    public static AppNode Start(string name, string project, int httpPort, IReadOnlyDictionary<string, string> environment, int siloPort = 0, bool clockSkewed = false)
    {
        string dll = Repository.BuiltDll(project);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort}");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        // Several processes share two cores here; workstation GC keeps each one small.
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var node = new AppNode(name, process, httpPort) { SiloPort = siloPort, IsClockSkewed = clockSkewed };
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until <paramref name="path"/> answers 2xx, or throws with the node's output.</summary>
    public async Task WaitReadyAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, path));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready at {path} within {timeout}:{Environment.NewLine}{OutputTail}");
    }

    /// <summary>SIGKILL: no graceful shutdown, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            if (IsPaused)
            {
                // A stopped process still dies of SIGKILL; resume bookkeeping only.
                IsPaused = false;
            }

            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGSTOP: the process freezes (as in a long GC pause or a stalled VM) but keeps its sockets.</summary>
    public async Task PauseAsync()
    {
        await Shell.SignalAsync(Pid, "STOP");
        IsPaused = true;
    }

    /// <summary>SIGCONT: the frozen process runs again, unaware of the time it lost.</summary>
    public async Task ResumeAsync()
    {
        if (!_process.HasExited)
        {
            await Shell.SignalAsync(Pid, "CONT");
        }

        IsPaused = false;
    }

    /// <summary>Waits for the process to exit by itself; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (IsPaused)
        {
            await ResumeAsync();
        }

        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }
}
