using System.Collections.Concurrent;

namespace Metering.Faults.Load;

/// <summary>Every operation of the run, in the order they were invoked. Thread-safe.</summary>
internal sealed class History
{
    private readonly ConcurrentQueue<Op> _ops = new();
    private long _next;

    public Op Invoke(string kind, string account, string action, string key, HttpMethod method, string path, string? body, int frontEnd)
    {
        var op = new Op(Interlocked.Increment(ref _next), kind, account, action, key, method, path, body, frontEnd, DateTime.UtcNow);
        _ops.Enqueue(op);
        return op;
    }

    public IReadOnlyList<Op> Snapshot() => [.. _ops];
}
