namespace Metering.Tests.Support;

/// <summary>Tests that share the test cluster run one at a time: they move one clock.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
