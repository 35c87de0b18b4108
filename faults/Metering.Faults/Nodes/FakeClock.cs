namespace Metering.Faults.Nodes;

/// <summary>
/// Runs a process with its wall clock shifted, through libfaketime (Debian's <c>faketime</c>
/// package, installed by scripts/faults.sh): no test-only setting in the silo itself. Monotonic
/// time stays true, so timeouts and timers behave; only what the ledger reads as "now" moves.
/// </summary>
internal static class FakeClock
{
    public static IReadOnlyDictionary<string, string> Environment(int offsetSeconds)
    {
        string library = Library() ?? throw new InvalidOperationException(
            "libfaketime is not installed (apt-get install faketime): the clock-skew fault needs it");
        return new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = library,
            ["FAKETIME"] = offsetSeconds.ToString("+0;-0", System.Globalization.CultureInfo.InvariantCulture) + "s",
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
            ["FAKETIME_NO_CACHE"] = "1",
        };
    }

    public static bool IsAvailable => Library() is not null;

    private static string? Library()
    {
        var folders = new List<string> { "/usr/lib/faketime" };
        if (Directory.Exists("/usr/lib"))
        {
            folders.AddRange(Directory.GetDirectories("/usr/lib", "*-linux-gnu").Select(d => Path.Combine(d, "faketime")));
        }

        return folders.Select(f => Path.Combine(f, "libfaketime.so.1")).FirstOrDefault(File.Exists);
    }
}
