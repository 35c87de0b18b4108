namespace Metering.Grains.Retention;

/// <summary>
/// Where a run's scan of old journal rows stands: the last row a batch looked at, in the order
/// (at, kind, account_id, op_key, operation). The next batch starts after it, so rows a batch
/// keeps (their key was used again since) are looked at once per run, never again and again.
/// </summary>
internal sealed record JournalCursor(DateTimeOffset At, string Kind, string AccountId, string OpKey, string Operation)
{
    /// <summary>Before every row: ledger times are never before 1970, and "" sorts before any key.</summary>
    public static JournalCursor Start { get; } = new(DateTimeOffset.UnixEpoch, "", "", "", "");
}
