using Metering.GrainInterfaces.Admin;

namespace Metering.ClientApi.Dashboard;

/// <summary>
/// Tells the overview grain that this front end is alive, every <see cref="Interval"/>, so the
/// dashboard can list the front ends (Orleans' membership knows silos, not clients). A failed
/// beat is simply retried at the next tick: the overview forgets a front end only after
/// several missed beats.
/// </summary>
internal sealed partial class FrontEndHeartbeat(IGrainFactory grains, ILogger<FrontEndHeartbeat> logger) : BackgroundService
{
    /// <summary>Time between two beats: a third of the overview's freshness bound.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static readonly TimeProvider Time = TimeProvider.System;

    private readonly string _name = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Time.GetUtcNow();
        using var timer = new PeriodicTimer(Interval, Time);
        do
        {
            try
            {
                await grains.GetGrain<IClusterOverviewGrain>(IClusterOverviewGrain.Key).FrontEndAlive(new FrontEndBeat(_name, started, Time.GetUtcNow()));
            }
            catch (Exception error)
            {
                // A beat is never worth stopping the front end for (a BackgroundService's fault would).
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogBeatFailed(logger, error.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Front-end heartbeat to the overview failed ({Reason}); retried at the next tick")]
    private static partial void LogBeatFailed(ILogger logger, string reason);
}
