using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;

namespace Metering.Bench;

/// <summary>
/// Reserves through <see cref="IInstallGrain.Reserve"/> as a relay would: 1 credit, tier max
/// (unlimited by default), a hold that outlives the run. A reserve answered Unavailable (the
/// account's write queue is full, or its flush failed) is sent again with the same requestId after
/// a short pause, a bounded number of times; the requestId makes a retry safe. Any other answer
/// than a new hold fails the run: the benchmark sends only valid reserves on unlimited accounts.
/// </summary>
internal sealed class ReserveClient(IGrainFactory grains)
{
    /// <summary>One day, the longest hold: no hold expires while the benchmark runs.</summary>
    public const int TtlSeconds = Limits.MaxTtlSeconds;

    private const int MaxAttempts = 50;

    /// <summary>Reserves 1 credit on <paramref name="installId"/>; returns how many retries it took.</summary>
    public async Task<int> ReserveAsync(string installId, string requestId, CancellationToken ct)
    {
        var grain = grains.GetGrain<IInstallGrain>(installId);
        var request = new InstallReserveRequest(requestId, Tier.Max, HasHardware: true, Credits: 1, TtlSeconds: TtlSeconds);
        for (int attempt = 1; ; attempt++)
        {
            var result = await grain.Reserve(request);
            // After a retry, Replayed is the earlier attempt's hold, committed after all.
            if (result.Outcome == Outcome.Created || (attempt > 1 && result.Outcome == Outcome.Replayed))
            {
                return attempt - 1;
            }

            if (result.Outcome != Outcome.Unavailable || attempt == MaxAttempts)
            {
                throw new InvalidOperationException(
                    $"reserve {requestId} on install {installId} answered {result.Outcome} (attempt {attempt} of {MaxAttempts})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt), ct);
        }
    }
}
