namespace Metering.Grains.Storage;

/// <summary>
/// One shared transaction's result: committed (every account in it is durable), or rolled back
/// with the accounts that failed, by their index in the attempt (<see cref="FlushStatus.Fenced"/>
/// or <see cref="FlushStatus.DuplicateKeys"/>); the others were not written and may try again.
/// </summary>
internal sealed record FlushAttempt(bool Committed, IReadOnlyDictionary<int, FlushOutcome> Failures)
{
    public static FlushAttempt AllCommitted { get; } = new(true, new Dictionary<int, FlushOutcome>());
}
