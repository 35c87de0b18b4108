namespace Metering.Bench;

/// <summary>Finds the repository (the folder holding Metering.sln), for scripts/pg-local.sh.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Metering.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("could not find the repository (a folder holding Metering.sln) above the current folder or the program");
    }
}
