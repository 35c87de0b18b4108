namespace Metering.Tests.Support;

/// <summary>Files of the repository the tests read (docs, scripts): found from the test binaries upwards.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The folder holding Metering.sln.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path under the root, given with forward slashes.</summary>
    public static string Of(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metering.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find the repository root (a folder holding Metering.sln) above {AppContext.BaseDirectory}.");
    }
}
