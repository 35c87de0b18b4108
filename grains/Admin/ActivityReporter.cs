using Metering.GrainInterfaces.Admin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Metering.Grains.Admin;

/// <summary>
/// Tells the overview (<see cref="IClusterOverviewGrain"/>) this silo's recent activity and its
/// accounts nearest their limits (<see cref="NearLimitBoard"/>) every <see cref="Interval"/>. Pushed rather than pulled: Orleans has no public way for a grain to
/// call "every silo", and a missed report only ages out (<see cref="GrainInterfaces.Common.Limits.ActivityFreshSeconds"/>).
/// Failures (the silo still joining, the overview moving) are logged at debug level and retried
/// at the next tick.
/// </summary>
internal sealed partial class ActivityReporter(
    IGrainFactory grains, ILocalSiloDetails silo, LedgerActivity activity, NearLimitBoard board, TimeProvider time, ILogger<ActivityReporter> logger)
    : BackgroundService
{
    /// <summary>Time between two reports: a sixth of the freshness bound, so two lost reports in a row still leave the silo counted.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<IClusterOverviewGrain>(IClusterOverviewGrain.Key).Report(activity.Snapshot(silo.SiloAddress.ToString()) with { NearLimits = board.Snapshot() });
            }
            catch (Exception error)
            {
                // A report is never worth stopping the silo for (a BackgroundService's fault would).
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogReportFailed(logger, error.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activity report to the overview failed ({Reason}); retried at the next tick")]
    private static partial void LogReportFailed(ILogger logger, string reason);
}
