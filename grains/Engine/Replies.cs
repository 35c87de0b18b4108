using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>How a repeated key is answered, the same for every operation of every kind.</summary>
internal static class Replies
{
    /// <summary>
    /// Once the first call is durable (both answers rest on it): the first answer again when the
    /// body matches, else a conflict.
    /// </summary>
    public static async Task<(Outcome Outcome, TResponse? Response)> ReplayAsync<TResponse>(Remembered earlier, byte[] hash)
        where TResponse : class
    {
        await earlier.Durable;
        return earlier.Entry.BodyHash.AsSpan().SequenceEqual(hash)
            ? (Outcome.Replayed, LedgerJson.Deserialize<TResponse>(earlier.Entry.ResponseJson))
            : (Outcome.RequestIdConflict, null);
    }
}
