namespace Metering.Grains.Engine;

/// <summary>Why a ledger stopped accepting work.</summary>
internal enum LedgerDeathReason
{
    /// <summary>PostgreSQL failed or could not be reached.</summary>
    StorageFailed,

    /// <summary>Another activation moved the account's version: this one must go.</summary>
    Fenced,

    /// <summary>Replays of keys memory had forgotten; reload them and answer as replays.</summary>
    DuplicateKeys,

    /// <summary>An engine invariant failed: memory cannot be trusted.</summary>
    InvariantBroken,
}

/// <summary>The reason a ledger died, the error if any, and journal keys found to exist already.</summary>
internal sealed record LedgerDeath(
    LedgerDeathReason Reason,
    Exception? Error,
    IReadOnlyList<(string Key, string Operation)> DuplicateKeys);
