namespace Metering.Tests.Support;

/// <summary>
/// The base of every test in the "cluster" collection: before each test it resets what the tests
/// share (<see cref="ClusterFixture.ResetAsync"/>), so each runs the same alone or in any order.
/// </summary>
[Collection(ClusterCollection.Name)]
public abstract class ClusterTest(ClusterFixture fixture) : IAsyncLifetime
{
    protected ClusterFixture Fixture => fixture;

    public virtual async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
