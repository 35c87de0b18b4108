using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.PoolBilling;

/// <summary>Records the cost of a call that ran: the commit retried for its whole retry time, never a release.</summary>
internal static class Settlement
{
    /// <summary>
    /// Sends <paramref name="request"/> until the pool records it or refuses it, or
    /// <paramref name="retryTime"/> has passed. A try that landed unseen is answered
    /// <see cref="Outcome.Replayed"/> by the next one, so it is returned like a first answer.
    /// </summary>
    /// <returns>The receipt.</returns>
    /// <exception cref="SettlementException">Refused, or unavailable for the whole retry time; carries the request to re-send.</exception>
    public static async Task<PoolCommitReceipt> CommitAsync(IPoolConnection pool, string poolId, PoolCommitRequest request, RetryPolicy retry, TimeSpan retryTime)
    {
        var attempt = await retry.RunUntilAsync(() => pool.Commit(request), r => r.Outcome, retryTime);
        if (attempt.Answer is { Outcome: Outcome.Ok or Outcome.Replayed } answer)
        {
            return Contract.Expect(answer.Receipt, "a receipt", answer.Outcome);
        }

        throw new SettlementException(poolId, request, attempt.Answer?.Outcome, attempt.Tries, attempt.Error);
    }
}
