using Metering.GrainInterfaces.Health;
using Orleans.Concurrency;

namespace Metering.Grains.Health;

/// <summary>The ping a front end's readiness sends: no state, no storage, any silo.</summary>
[StatelessWorker]
[GrainType("ping")]
internal sealed class PingGrain : Grain, IPingGrain
{
    public Task Ping() => Task.CompletedTask;
}
