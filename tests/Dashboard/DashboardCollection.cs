namespace Metering.Tests.Dashboard;

/// <summary>The browser tests share one running system and one browser; each test opens its own context.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardSystem>
{
    public const string Name = "dashboard";
}
