namespace Metering.Tests.Faults;

/// <summary>
/// The fault harness runs alone, after the parallel tests: it starts six processes, stops
/// PostgreSQL and partitions silos, and two cores shared with the other suites would slow both.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultHarnessCollection
{
    public const string Name = "fault harness";
}
