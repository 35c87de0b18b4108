using System.Collections.Concurrent;

namespace Metering.Faults.Load;

/// <summary>Every operation of the run, in the order they were invoked. Thread-safe.</summary>
internal sealed class History
{
    /// <summary>
    /// Most operations one run records (the check reads them all back): about five hours at this
    /// machine's peak. Past it the run stops with this error rather than grow without end.
    /// </summary>
    public const long MaxOperations = 10_000_000;

    private readonly ConcurrentQueue<Op> _ops = new();
    private long _next;

    public Op Invoke(string kind, string account, string action, string key, HttpMethod method, string path, string? body, int frontEnd)
    {
        long id = Interlocked.Increment(ref _next);
        if (id > MaxOperations)
        {
            throw new InvalidOperationException($"the run recorded {MaxOperations:N0} operations, its bound: shorten --duration");
        }

        var op = new Op(id, kind, account, action, key, method, path, body, frontEnd, DateTime.UtcNow);
        _ops.Enqueue(op);
        return op;
    }

    public IReadOnlyList<Op> Snapshot() => [.. _ops];
}
