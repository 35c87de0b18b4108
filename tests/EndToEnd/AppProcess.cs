using System.Collections.Concurrent;
using System.Diagnostics;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// A silo or client-api started as a real process, the way API.md "Running it" says (its built
/// dll, configuration in environment variables). Output is kept to explain failures.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The silo-to-silo port, for silos.</summary>
    public int SiloPort { get; set; }

    /// <summary>The port of the silo's health and metrics endpoints, for silos.</summary>
    public int HttpPort { get; set; }

    public string OutputTail => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static AppProcess Start(string name, string project, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string dll = BuiltDll(project);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_gcServer"] = "0"; // several processes share two cores in a test run
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var app = new AppProcess(name, process);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until <paramref name="url"/> answers 200, or fails with the process's output.</summary>
    public async Task WaitReadyAsync(HttpClient http, string url, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not ready at {url} within {timeout}:{Environment.NewLine}{OutputTail}");
    }

    /// <summary>Sends SIGTERM, as Kubernetes or Ctrl-C would, and waits for the process to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
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
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The app's dll, built with the same configuration as this test assembly.</summary>
    private static string BuiltDll(string project)
    {
        // .../tests/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        string root = output.Parent!.Parent!.Parent!.Parent!.FullName;
        string assembly = project switch
        {
            "silo" => "Metering.Silo",
            "client-api" => "Metering.ClientApi",
            _ => throw new ArgumentOutOfRangeException(nameof(project), project, "unknown project"),
        };
        string dll = Path.Combine(root, project, "bin", configuration, framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first: {dll} is missing", dll);
    }
}
