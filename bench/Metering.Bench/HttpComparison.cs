using System.Globalization;

namespace Metering.Bench;

/// <summary>The http scenario's results: every comparison, in the order they ran.</summary>
/// <param name="Accounts">Accounts per kind of the many-account workload.</param>
/// <param name="HalfSeconds">Seconds of each half of each path (two halves per path and comparison).</param>
/// <param name="WarmupSeconds">Seconds of each warm-up run.</param>
/// <param name="PeakMemory">The processes' peak resident memory over the whole run.</param>
internal sealed record HttpFigures(IReadOnlyList<HttpComparison> Comparisons, int Accounts, int HalfSeconds, int WarmupSeconds, PeakMemory PeakMemory);

/// <summary>Peak resident set size (<c>VmHWM</c> in <c>/proc/{pid}/status</c>) of the silo and client-api processes, in MiB; null where unreadable.</summary>
internal sealed record PeakMemory(double? SiloMiB, double? ApiMiB)
{
    public static PeakMemory Read(int siloPid, int apiPid) => new(HighWaterMiB(siloPid), HighWaterMiB(apiPid));

    public override string ToString() =>
        $"silo {SiloMiB?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} MiB, " +
        $"client-api {ApiMiB?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} MiB";

    private static double? HighWaterMiB(int pid)
    {
        try
        {
            // "VmHWM:    123456 kB"
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>One kind, workload and connection count measured on both paths, in the same run on the same PostgreSQL.</summary>
/// <param name="Accounts">Accounts the lifecycles went to: 1 for the hot workload.</param>
internal sealed record HttpComparison(AccountKind Kind, int Accounts, int Connections, LifecyclePath Metering, LifecyclePath Sql)
{
    public bool Hot => Accounts == 1;

    public string Workload => Hot ? "one hot account" : $"{Accounts:N0} accounts";

    /// <summary>Metering's requests/s over plain SQL's.</summary>
    public double Ratio => Sql.RequestsPerSecond > 0 ? Metering.RequestsPerSecond / Sql.RequestsPerSecond : 0;
}
