namespace Metering.Tests.EndToEnd;

/// <summary>Tests on the running system share it and run one at a time (one kills silos, one stops PostgreSQL).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<RunningSystem>
{
    public const string Name = "end-to-end";
}
