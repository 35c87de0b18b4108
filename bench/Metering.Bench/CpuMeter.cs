using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// CPU time used during a phase, from Linux's /proc: by this process (the silo, the callers and,
/// for the baselines, Npgsql), by the benchmark's PostgreSQL (its postmaster and every backend),
/// and by the whole machine, so that what other work took from the shared cores shows too.
/// Where /proc cannot be read, the figures are absent, never wrong.
/// </summary>
internal sealed class CpuMeter
{
    /// <summary>USER_HZ: the unit of /proc's CPU times. 100 on every Linux .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    private readonly int? _postmaster;

    private CpuMeter(int? postmaster) => _postmaster = postmaster;

    /// <summary>Finds the postmaster as the parent of one of the benchmark's own backends.</summary>
    public static async Task<CpuMeter> CreateAsync(NpgsqlDataSource admin, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand("SELECT pg_backend_pid()");
        int backend = (int)(await cmd.ExecuteScalarAsync(ct))!;
        return new CpuMeter(ReadStat(backend) is { } stat ? stat.ParentPid : null);
    }

    public CpuSample Sample()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime;
        return new CpuSample(Stopwatch.GetTimestamp(), self, PostgresCpu(), MachineCpu());
    }

    /// <summary>
    /// The postmaster's own time and that of its children it has reaped (backends that ended),
    /// plus the time of its live children.
    /// </summary>
    private TimeSpan? PostgresCpu()
    {
        if (_postmaster is not int postmaster)
        {
            return null;
        }

        try
        {
            double ticks = 0;
            bool found = false;
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    continue;
                }

                if (ReadStat(pid) is not { } stat)
                {
                    continue;
                }

                if (pid == postmaster)
                {
                    ticks += stat.User + stat.System + stat.ChildrenUser + stat.ChildrenSystem;
                    found = true;
                }
                else if (stat.ParentPid == postmaster)
                {
                    ticks += stat.User + stat.System;
                }
            }

            return found ? TimeSpan.FromSeconds(ticks / TicksPerSecond) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Busy and total CPU time of the whole machine, from the first line of /proc/stat.</summary>
    private static (TimeSpan Busy, TimeSpan Total)? MachineCpu()
    {
        try
        {
            string? line = File.ReadLines("/proc/stat").FirstOrDefault();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            // cpu user nice system idle iowait irq softirq steal ...
            double[] f = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            if (f.Length < 8)
            {
                return null;
            }

            double idle = f[3] + f[4];
            double busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
            return (TimeSpan.FromSeconds(busy / TicksPerSecond), TimeSpan.FromSeconds((busy + idle) / TicksPerSecond));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// CPU time of process <paramref name="pid"/> (all its threads), and with
    /// <paramref name="reapedChildren"/> also that of its children that ended and that it waited
    /// for; null when the process is gone or /proc cannot tell.
    /// </summary>
    public static TimeSpan? ProcessCpu(int pid, bool reapedChildren = false) =>
        ReadStat(pid) is { } stat
            ? TimeSpan.FromSeconds((stat.User + stat.System + (reapedChildren ? stat.ChildrenUser + stat.ChildrenSystem : 0)) / TicksPerSecond)
            : null;

    /// <summary>CPU time of this process's children that ended and were waited for (such as a pgbench run).</summary>
    public static TimeSpan? ReapedChildrenCpu() =>
        ReadStat(Environment.ProcessId) is { } stat ? TimeSpan.FromSeconds((stat.ChildrenUser + stat.ChildrenSystem) / TicksPerSecond) : null;

    private static ProcStat? ReadStat(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
            string[] f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            return new ProcStat(
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[11], CultureInfo.InvariantCulture),
                double.Parse(f[12], CultureInfo.InvariantCulture),
                double.Parse(f[13], CultureInfo.InvariantCulture),
                double.Parse(f[14], CultureInfo.InvariantCulture));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // The process ended between listing and reading, or /proc is not Linux's.
            return null;
        }
    }

    private sealed record ProcStat(int ParentPid, double User, double System, double ChildrenUser, double ChildrenSystem);
}

/// <summary>CPU counters at one moment; the difference of two is a <see cref="CpuUse"/>.</summary>
internal sealed record CpuSample(long Timestamp, TimeSpan Process, TimeSpan? Postgres, (TimeSpan Busy, TimeSpan Total)? Machine)
{
    public CpuUse Until(CpuSample later) => new(
        Stopwatch.GetElapsedTime(Timestamp, later.Timestamp),
        later.Process - Process,
        later.Postgres - Postgres,
        later.Machine?.Busy - Machine?.Busy);
}

/// <summary>CPU time used during a phase.</summary>
/// <param name="Wall">The wall-clock time between the two samples.</param>
/// <param name="Process">This process: the silo and the callers (the grain path), or the callers and Npgsql (a baseline).</param>
/// <param name="Postgres">The benchmark's PostgreSQL; null when /proc could not tell.</param>
/// <param name="MachineBusy">Every process on the machine; null when /proc could not tell.</param>
internal sealed record CpuUse(TimeSpan Wall, TimeSpan Process, TimeSpan? Postgres, TimeSpan? MachineBusy)
{
    /// <summary>CPU time of everything else on the machine (other work sharing the cores), in cores on average.</summary>
    public double? OtherCores => MachineBusy is { } busy && Postgres is { } pg && Wall > TimeSpan.Zero
        ? Math.Max(0, (busy - Process - pg) / Wall)
        : null;

    public CpuUse Plus(CpuUse other) => new(
        Wall + other.Wall, Process + other.Process, Postgres + other.Postgres, MachineBusy + other.MachineBusy);

    /// <summary>Milliseconds of CPU per 1,000 operations.</summary>
    public static double? PerThousand(TimeSpan? cpu, long operations) =>
        cpu is { } t && operations > 0 ? t.TotalMilliseconds * 1000 / operations : null;
}
