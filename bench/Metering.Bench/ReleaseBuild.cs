using System.Diagnostics;

namespace Metering.Bench;

/// <summary>
/// Builds the silo and client-api in Release before the http scenario runs them, one
/// <c>dotnet build</c> at a time (the machine has 2 cores). Nothing is timed while it runs.
/// </summary>
internal static class ReleaseBuild
{
    /// <summary>A cold build of both takes about a minute here; ten leaves room for a busy machine.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The projects the http scenario runs, relative to the repository.</summary>
    public static readonly IReadOnlyList<string> Projects = ["silo/Metering.Silo.csproj", "client-api/Metering.ClientApi.csproj"];

    public static async Task RunAsync(string repoRoot, CancellationToken ct)
    {
        foreach (string project in Projects)
        {
            Console.WriteLine($"  dotnet build {project} -c Release");
            var startInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = repoRoot };
            foreach (string arg in (string[])["build", project, "-c", "Release", "-nologo", "-v", "quiet", "-clp:ErrorsOnly;NoSummary"])
            {
                startInfo.ArgumentList.Add(arg);
            }

            using var build = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start dotnet build {project}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(BuildTimeout);
            try
            {
                await build.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                build.Kill(entireProcessTree: true);
                ct.ThrowIfCancellationRequested();
                throw new TimeoutException($"dotnet build {project} did not finish within {BuildTimeout.TotalMinutes:0} minutes");
            }

            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet build {project} -c Release failed with exit code {build.ExitCode} (output above)");
            }
        }
    }
}
