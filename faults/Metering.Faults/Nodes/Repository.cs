namespace Metering.Faults.Nodes;

/// <summary>Where the harness finds the repository: its scripts and the built silo and client-api.</summary>
internal static class Repository
{
    /// <summary>The folder holding Metering.sln, found upwards from this program's folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built dll of <paramref name="project"/> ("silo" or "client-api") in the harness's own configuration.</summary>
    public static string BuiltDll(string project)
    {
        // .../<project>/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        string assembly = project switch
        {
            "silo" => "Metering.Silo",
            "client-api" => "Metering.ClientApi",
            _ => throw new ArgumentOutOfRangeException(nameof(project), project, "unknown project"),
        };
        string dll = Path.Combine(Root, project, "bin", configuration, framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first ({configuration}): {dll} is missing", dll);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metering.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Metering.sln not found above " + AppContext.BaseDirectory);
    }
}
