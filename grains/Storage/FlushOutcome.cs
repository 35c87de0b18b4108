namespace Metering.Grains.Storage;

/// <summary>What a flush found. Only <see cref="Committed"/> acknowledges anything.</summary>
internal enum FlushStatus
{
    /// <summary>The transaction committed: every operation in it is durable.</summary>
    Committed,

    /// <summary>The account row had another version: another activation wrote it. Nothing was written.</summary>
    Fenced,

    /// <summary>Some journal keys already existed (replays older than memory). Nothing was written.</summary>
    DuplicateKeys,
}

/// <summary>The result of one flush; <see cref="DuplicateKeys"/> lists (key, operation) pairs already stored.</summary>
internal sealed record FlushOutcome(FlushStatus Status, IReadOnlyList<(string Key, string Operation)> DuplicateKeys)
{
    public static FlushOutcome Committed { get; } = new(FlushStatus.Committed, []);

    public static FlushOutcome Fenced { get; } = new(FlushStatus.Fenced, []);
}
