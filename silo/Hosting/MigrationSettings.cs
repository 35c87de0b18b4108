namespace Metering.Silo.Hosting;

/// <summary>
/// What the silo does with the schema before it starts, read once at start.
/// <list type="bullet">
/// <item><c>Metering:MigrateOnly</c> (or the argument <c>--migrate-only</c>): apply the embedded
/// migrations, then exit (0 when done, 1 on failure). For a migration Job that runs as the role
/// owning the schema.</item>
/// <item><c>Metering:Migrations:OnStart</c> (default <c>true</c>, for a laptop and the tests):
/// migrate before joining the cluster. <c>false</c> (the Kubernetes manifests): only check that
/// every migration this silo knows is applied, so the silo's role needs no DDL rights.</item>
/// <item><c>Metering:Migrations:WaitSeconds</c> (default 60, 0 to 3,600): how long to wait for
/// PostgreSQL to answer and, with <c>OnStart</c> off, for the schema to be migrated (a migration Job
/// started at the same time), before giving up.</item>
/// </list>
/// </summary>
public sealed record MigrationSettings(bool MigrateOnly, bool OnStart, TimeSpan Wait)
{
    /// <summary>The command-line switch for <see cref="MigrateOnly"/>.</summary>
    public const string MigrateOnlyArgument = "--migrate-only";

    public const int DefaultWaitSeconds = 60;

    // An hour: longer than any migration should take; past it a Job or a pod should fail visibly.
    public const int MaxWaitSeconds = 3600;

    public static MigrationSettings From(IConfiguration config, IReadOnlyList<string> args)
    {
        int waitSeconds = config.GetValue("Metering:Migrations:WaitSeconds", DefaultWaitSeconds);
        if (waitSeconds is < 0 or > MaxWaitSeconds)
        {
            throw new InvalidOperationException(
                $"Metering:Migrations:WaitSeconds is {waitSeconds}; it must be between 0 and {MaxWaitSeconds}.");
        }

        return new MigrationSettings(
            args.Contains(MigrateOnlyArgument) || config.GetValue("Metering:MigrateOnly", false),
            config.GetValue("Metering:Migrations:OnStart", true),
            TimeSpan.FromSeconds(waitSeconds));
    }

    /// <summary>
    /// The arguments without <see cref="MigrateOnlyArgument"/>: ASP.NET Core's command-line
    /// configuration would read a bare switch as a key taking the next argument as its value.
    /// </summary>
    public static string[] WithoutMigrateOnly(string[] args) =>
        args.Where(a => a != MigrateOnlyArgument).ToArray();
}
