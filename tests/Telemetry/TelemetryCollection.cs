namespace Metering.Tests.Telemetry;

/// <summary>
/// Telemetry tests run alone: their tracer providers listen to every activity source of the
/// process (Orleans', ASP.NET Core's, Npgsql's), so other tests' calls would be traced too, and
/// traced calls of theirs would be read here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryFixture>
{
    public const string Name = "telemetry";
}
