using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Metering.Bench;

/// <summary>Where and how a run happened: the machine, the database, the command and the commit.</summary>
internal sealed record RunInfo(
    DateTimeOffset StartedAt,
    string Command,
    string Commit,
    int Cores,
    string Cpu,
    string Memory,
    string Os,
    string Runtime,
    ServerFacts Server)
{
    /// <summary>The 1-minute load average when the run started and when it ended: how busy the shared machine was.</summary>
    public string LoadAverage { get; init; } = "";

    /// <summary>Set by scripts/bench.sh: the command line to print in the report.</summary>
    private const string CommandVariable = "METERING_BENCH_COMMAND";

    /// <summary>Set by scripts/bench.sh: the git commit the run was built from.</summary>
    private const string CommitVariable = "METERING_BENCH_COMMIT";

    public static RunInfo Collect(DateTimeOffset startedAt, BenchOptions options, ServerFacts server) => new(
        startedAt,
        Environment.GetEnvironmentVariable(CommandVariable) is { Length: > 0 } command
            ? command
            : string.Join(' ', ["dotnet run -c Release --project bench/Metering.Bench --", .. options.Arguments]),
        Environment.GetEnvironmentVariable(CommitVariable) is { Length: > 0 } commit ? commit : "unknown",
        Environment.ProcessorCount,
        ProcValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        MemoryTotal(),
        RuntimeInformation.OSDescription,
        $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
        $"Orleans {VersionOf(typeof(IGrainFactory))}, Npgsql {VersionOf(typeof(Npgsql.NpgsqlConnection))}",
        server)
    {
        LoadAverage = LoadAverageNow(),
    };

    /// <summary>The 1-minute load average from /proc/loadavg, or "?".</summary>
    public static string LoadAverageNow()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string VersionOf(Type type)
    {
        string? version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // "10.4.2+abc" or "10.4.2. Commit Hash: abc": keep the version.
        return version is null ? "?" : version.Split('+', ' ')[0].TrimEnd('.');
    }

    private static string MemoryTotal()
    {
        // "MemTotal:       24558084 kB"
        string? value = ProcValue("/proc/meminfo", "MemTotal");
        return value is not null && long.TryParse(value.Split(' ')[0], out long kb)
            ? $"{kb / 1024.0 / 1024.0:N1} GiB"
            : "unknown";
    }

    private static string? ProcValue(string file, string key)
    {
        try
        {
            return File.ReadLines(file)
                .Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
