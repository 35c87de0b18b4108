using Metering.Grains.Engine;
using Metering.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Metering.Tests.Cluster;

/// <summary>
/// How long idle accounts stay active is Orleans' own collection age, set per account grain
/// class from <see cref="AccountMemory"/>; and what a silo's accounts remember is counted against
/// that silo's own bound (every silo has its own count, so tests of other clusters running at the
/// same time cannot move it), which goes back down when their grains deactivate.
/// </summary>
public sealed class AccountMemoryTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public void EveryAccountGrainClass_IsCollectedAfterTheIdleTime_AndSheddingFollowsTheSetting()
    {
        foreach (var silo in Fixture.Cluster.Silos)
        {
            var services = ((Orleans.TestingHost.InProcessSiloHandle)silo).SiloHost.Services;
            var memory = services.GetRequiredService<AccountMemory>();
            var options = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
            foreach (var grain in new[] { "Metering.Grains.Installs.InstallGrain", "Metering.Grains.Pools.PoolGrain", "Metering.Grains.Ports.PortGrain" })
            {
                Assert.Equal(memory.IdleAfter, options.ClassSpecificCollectionAge[grain]);
            }

            Assert.Equal(TimeSpan.FromMinutes(AccountMemory.DefaultIdleMinutes), memory.IdleAfter);
            Assert.Equal(memory.ShedOnMemoryPressure, options.EnableActivationSheddingOnMemoryPressure);
        }
    }

    [Fact]
    public async Task EverySiloCountsAlone_AndItsCountGoesBackDown_WhenAccountsDeactivate()
    {
        var counts = Fixture.Cluster.Silos
            .Select(silo => ((Orleans.TestingHost.InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<AccountMemory>().Remembered)
            .ToList();
        Assert.Equal(counts.Count, counts.Distinct().Count());
        var management = Fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        long before = counts.Sum(c => c.Count);

        var pools = Enumerable.Range(0, 20).Select(i => Fixture.Cluster.Client.GetGrain<GrainInterfaces.Pools.IPoolGrain>($"memory-{Guid.NewGuid():N}")).ToList();
        foreach (var pool in pools)
        {
            await pool.SetLimit(1_000);
            await pool.Reserve(new GrainInterfaces.Pools.PoolReserveRequest("r1", 10, "premium", 300));
        }

        long during = counts.Sum(c => c.Count);
        await management.ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        long after = counts.Sum(c => c.Count);

        Assert.True(during - before >= 20, $"each pool remembers its reserve: {before} -> {during}");
        Assert.True(after <= before, $"deactivated accounts give their entries back: {before} -> {during} -> {after}");
    }
}
