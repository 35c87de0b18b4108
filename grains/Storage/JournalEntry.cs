namespace Metering.Grains.Storage;

/// <summary>
/// One acknowledged operation in <c>ledger_journal</c>, unique on (account, key, operation): the
/// database itself refuses a second application of the same key. The response is what the first
/// call answered, so a replay gets the same body.
/// </summary>
/// <param name="Key">The caller's idempotency key (requestId, grantId).</param>
/// <param name="Operation">What was done, one of the engine's operation names (reserve, commit, release, ...).</param>
/// <param name="BodyHash">SHA-256 of the canonical request body, to tell a replay from a conflict.</param>
/// <param name="ResponseJson">The first answer, serialized.</param>
internal sealed record JournalEntry(
    string Key,
    string Operation,
    byte[] BodyHash,
    string ResponseJson,
    DateTimeOffset At);
