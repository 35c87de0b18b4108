namespace Metering.Grains.Storage;

/// <summary>What a flush found for one account. Only <see cref="Committed"/> acknowledges anything.</summary>
internal enum FlushStatus
{
    /// <summary>The transaction committed: every operation of this account in it is durable.</summary>
    Committed,

    /// <summary>The account row had another version: another activation wrote it. Nothing of this account was written.</summary>
    Fenced,

    /// <summary>Some of this account's journal keys already existed (replays older than memory). Nothing of this account was written.</summary>
    DuplicateKeys,

    /// <summary>This account's rows broke a rule of the schema (<see cref="FlushOutcome.Error"/>). Nothing of this account was written.</summary>
    Failed,
}

/// <summary>
/// The result of one account's write; <see cref="DuplicateKeys"/> lists (key, operation) pairs
/// already stored. The other accounts of the same shared transaction do not change it: an account
/// that fails its fence or its keys fails alone.
/// </summary>
internal sealed record FlushOutcome(FlushStatus Status, IReadOnlyList<(string Key, string Operation)> DuplicateKeys, Exception? Error = null)
{
    public static FlushOutcome Committed { get; } = new(FlushStatus.Committed, []);

    public static FlushOutcome Fenced { get; } = new(FlushStatus.Fenced, []);

    public static FlushOutcome Failed(Exception error) => new(FlushStatus.Failed, [], error);
}
