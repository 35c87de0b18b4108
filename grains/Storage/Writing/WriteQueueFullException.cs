namespace Metering.Grains.Storage;

/// <summary>
/// A group commit's queue is at its bound (<see cref="GroupCommitBounds.MaxQueuedWeight"/>): the
/// item was not queued and nothing of it was written. Callers answer 503 and retry later.
/// </summary>
internal sealed class WriteQueueFullException(string name, int bound)
    : Exception($"the silo's {name} write queue is full ({bound} waiting); retry later");
