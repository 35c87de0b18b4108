using Metering.Grains.Time;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Metering.Grains.Retention;

/// <summary>
/// Runs the clean-up on every silo, every <see cref="RetentionSettings.Interval"/>; the advisory
/// lock in <see cref="RetentionCleaner"/> lets one run at a time do the work, and the others find
/// it taken and wait for their next turn.
/// </summary>
/// <remarks>
/// A hosted service rather than an Orleans reminder or a timer grain: the job needs no grain
/// state and no placement, only PostgreSQL. A reminder would need Orleans' reminder tables and
/// provider, and a timer grain lives on one silo and must be re-activated after that silo dies;
/// here every silo keeps trying, PostgreSQL says which one works, and a silo that dies mid-run
/// loses its session and with it the lock, so another takes over at its next turn.
/// </remarks>
internal sealed partial class RetentionService(
    RetentionCleaner cleaner, RetentionSettings settings, LedgerClock clock, ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>
    /// The longest wait for a silo's first run: soon after a start, so a fleet that restarts more
    /// often than the interval (rolling deploys) still cleans up.
    /// </summary>
    private static readonly TimeSpan MaxFirstRunDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = settings.Interval < MaxFirstRunDelay ? settings.Interval : MaxFirstRunDelay;
        try
        {
            while (true)
            {
                await Task.Delay(wait, stoppingToken);
                wait = settings.Interval;
                try
                {
                    await cleaner.RunOnceAsync(UtcCalendar.Now(clock), stoppingToken);
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    // PostgreSQL away, or any other fault: nothing half-done is kept (each statement
                    // is its own transaction), and the next turn tries again.
                    LogRunFailed(logger, error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention run failed; the next one tries again")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
