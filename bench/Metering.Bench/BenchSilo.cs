using Metering.Grains.Engine;
using Metering.Grains.Hosting;
using Metering.Grains.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Metering.Bench;

/// <summary>
/// One Orleans silo in this process, with the Metering grains on the benchmark's database and
/// localhost clustering on free loopback ports (so a developer's silo on 11111/30000 is left
/// alone). Calls go through the co-hosted client, as a .NET service in the silo would make them.
/// </summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private BenchSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    /// <param name="ledgerTime">The ledger's clock, when a benchmark walks through simulated time; the system clock otherwise.</param>
    /// <param name="memory">How much account grains keep in memory, when a benchmark sets it; the defaults otherwise.</param>
    public static async Task<BenchSilo> StartAsync(string connectionString, CancellationToken ct, TimeProvider? ledgerTime = null, AccountMemory? memory = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        int siloPort = LoopbackPort.Free(), gatewayPort = LoopbackPort.Free();
        string id = "bench-" + Guid.NewGuid().ToString("N")[..8];
        if (ledgerTime is not null)
        {
            builder.Services.AddSingleton(new LedgerClock(ledgerTime));
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: id, clusterId: id)
                .AddMeteringGrains(connectionString);
            if (memory is not null)
            {
                silo.AddMeteringAccountMemory(memory);
            }
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(StopTimeout);
        await _host.StopAsync(limit.Token);
        _host.Dispose();
    }
}
