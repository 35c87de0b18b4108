using System.Diagnostics;

namespace Metering.Grains.Storage;

/// <summary>
/// Group commit for one silo, the one mechanism behind every shared write (account flushes, usage
/// events): callers submit items; up to <see cref="GroupCommitBounds.Writers"/> writers each take
/// what is queued, in order, up to the batch bounds, and write it in one transaction; each
/// caller's task completes with its own result once that transaction has committed, or fails
/// with the transaction's error. Nothing waits on purpose: a batch is whatever queued while the
/// previous transaction ran, so a lone caller pays no extra latency and a busy silo writes many
/// items per commit.
/// </summary>
/// <remarks>
/// Hand-written rather than a <c>System.Threading.Channels</c> channel because the bounds are on
/// weight (operations, events) as well as on count, and a batch is cut before an item whose key is
/// already in it (one account written twice in one statement is an error in PostgreSQL), which a
/// channel reader cannot peek at. Writers run on the thread pool, never on a grain's scheduler.
/// Each transaction is one span (<see cref="LedgerTracing"/>) linked to its callers' spans.
/// </remarks>
/// <typeparam name="TItem">What one caller submits.</typeparam>
/// <typeparam name="TResult">What one caller gets back.</typeparam>
internal sealed class GroupCommit<TItem, TResult>
    where TItem : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _queue = new();
    private readonly string _name;
    private readonly GroupCommitBounds _bounds;
    private readonly Func<TItem, int> _weightOf;
    private readonly Func<TItem, object> _keyOf;
    private readonly Func<GroupCommitBatch<TItem>, Task<IReadOnlyList<TResult>>> _write;
    private readonly Func<TItem, IReadOnlyList<ActivityContext>>? _callersOf;
    private readonly string _spanName;
    private int _queuedWeight;
    private int _writersRunning;

    /// <param name="name">What it writes, for errors ("ledger", "usage event").</param>
    /// <param name="weightOf">An item's weight (at least 1).</param>
    /// <param name="keyOf">An item's key: two items with equal keys never share a batch.</param>
    /// <param name="write">Writes one batch in one transaction; returns one result per item, in order.</param>
    /// <param name="callersOf">
    /// The spans an item was made for, when it gathers several callers (an account's operations);
    /// without it, the span current when the item was submitted. The flush span links to them.
    /// </param>
    public GroupCommit(
        string name,
        GroupCommitBounds bounds,
        Func<TItem, int> weightOf,
        Func<TItem, object> keyOf,
        Func<GroupCommitBatch<TItem>, Task<IReadOnlyList<TResult>>> write,
        Func<TItem, IReadOnlyList<ActivityContext>>? callersOf = null)
    {
        bounds.Validate();
        _name = name;
        _bounds = bounds;
        _weightOf = weightOf;
        _keyOf = keyOf;
        _write = write;
        _callersOf = callersOf;
        _spanName = $"{name} flush";
    }

    /// <summary>True when an item of this weight would be queued now (a hint: another caller may take the room first).</summary>
    public bool HasRoomFor(int weight)
    {
        lock (_gate)
        {
            return _queue.Count == 0 || _queuedWeight + weight <= _bounds.MaxQueuedWeight;
        }
    }

    /// <summary>
    /// Queues an item for the next transaction. The task completes with the item's result after
    /// the commit; it fails with <see cref="WriteQueueFullException"/> at once (nothing queued)
    /// when the queue is at its bound, or with the write's error when the transaction failed.
    /// </summary>
    public Task<TResult> SubmitAsync(TItem item)
    {
        int weight = _weightOf(item);
        // The caller's span, kept for the flush span's links (default when nothing is traced).
        var entry = new Entry(item, weight, Stopwatch.GetTimestamp(), Activity.Current?.Context ?? default);
        bool startWriter = false;
        lock (_gate)
        {
            // An empty queue takes any item, so one heavier than the bound is still written.
            if (_queue.Count > 0 && _queuedWeight + weight > _bounds.MaxQueuedWeight)
            {
                return Task.FromException<TResult>(new WriteQueueFullException(_name, _bounds.MaxQueuedWeight));
            }

            _queue.Enqueue(entry);
            _queuedWeight += weight;
            if (_writersRunning < _bounds.Writers)
            {
                _writersRunning++;
                startWriter = true;
            }
        }

        if (startWriter)
        {
            // Off the caller's scheduler (a grain's): writers must not run on, or block, a grain.
            _ = Task.Run(WriteLoopAsync);
        }

        return entry.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        // The writer inherited the span of whichever caller started it, but it writes for every
        // caller: without this, each flush (and its SQL) would hang under that one request.
        Activity.Current = null;
        while (true)
        {
            List<Entry> batch;
            lock (_gate)
            {
                try
                {
                    batch = TakeBatch();
                }
                catch (Exception error)
                {
                    // A key or weight function that throws must not leave this writer's slot
                    // taken and the queue waiting forever: fail what is queued, give the slot back.
                    while (_queue.TryDequeue(out var entry))
                    {
                        entry.Done.TrySetException(error);
                    }

                    _queuedWeight = 0;
                    _writersRunning--;
                    return;
                }

                if (batch.Count == 0)
                {
                    _writersRunning--;
                    return;
                }
            }

            await WriteAsync(batch);
        }
    }

    /// <summary>The next batch, in queue order, cut at the first bound or repeated key. Under the lock.</summary>
    private List<Entry> TakeBatch()
    {
        var batch = new List<Entry>(Math.Min(_queue.Count, _bounds.MaxBatchItems));
        var keys = new HashSet<object>();
        int weight = 0;
        while (_queue.TryPeek(out var next)
            && batch.Count < _bounds.MaxBatchItems
            && (batch.Count == 0 || weight + next.Weight <= _bounds.MaxBatchWeight)
            && keys.Add(_keyOf(next.Item)))
        {
            _queue.Dequeue();
            _queuedWeight -= next.Weight;
            weight += next.Weight;
            batch.Add(next);
        }

        return batch;
    }

    private async Task WriteAsync(List<Entry> batch)
    {
        long taken = Stopwatch.GetTimestamp();
        var items = new TItem[batch.Count];
        int weight = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            items[i] = batch[i].Item;
            weight += batch[i].Weight;
        }

        var longestWait = Stopwatch.GetElapsedTime(batch[0].Queued, taken);
        using var span = StartSpan(batch, weight, longestWait);
        IReadOnlyList<TResult> results;
        try
        {
            results = await _write(new GroupCommitBatch<TItem>(items, weight, longestWait));
            if (results.Count != items.Length)
            {
                throw new InvalidOperationException($"a {_name} write answered {results.Count} results for {items.Length} items");
            }
        }
        catch (Exception error)
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            span?.AddException(error);

            // Whatever failed, nothing of this transaction committed: every caller hears so.
            foreach (var entry in batch)
            {
                entry.Done.TrySetException(error);
            }

            return;
        }

        for (int i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    /// <summary>
    /// The flush's span, current while the batch is written (so its SQL commands are its
    /// children): a root, linked to the callers' spans, at most <see cref="LedgerTracing.MaxLinks"/>.
    /// Null, at the cost of one check, when no tracer listens.
    /// </summary>
    private Activity? StartSpan(List<Entry> batch, int weight, TimeSpan longestWait)
    {
        if (!LedgerTracing.Source.HasListeners())
        {
            return null;
        }

        var links = new List<ActivityLink>(Math.Min(batch.Count, LedgerTracing.MaxLinks));
        int dropped = 0;
        foreach (var entry in batch)
        {
            IReadOnlyList<ActivityContext> callers = _callersOf is null ? [entry.Caller] : _callersOf(entry.Item);
            foreach (var caller in callers)
            {
                if (caller == default)
                {
                    continue;
                }

                if (links.Count < LedgerTracing.MaxLinks)
                {
                    links.Add(new ActivityLink(caller));
                }
                else
                {
                    dropped++;
                }
            }
        }

        var tags = new ActivityTagsCollection
        {
            ["metering.flush.items"] = batch.Count,
            ["metering.flush.weight"] = weight,
            ["metering.flush.longest_wait_seconds"] = longestWait.TotalSeconds,
            ["metering.flush.links_dropped"] = dropped,
        };
        // Activity.Current is null here (WriteLoopAsync), so the default parent makes a root.
        return LedgerTracing.Source.StartActivity(_spanName, ActivityKind.Internal, default(ActivityContext), tags, links);
    }

    private sealed class Entry(TItem item, int weight, long queued, ActivityContext caller)
    {
        public TItem Item { get; } = item;

        public int Weight { get; } = weight;

        /// <summary>When it was submitted (a <see cref="Stopwatch"/> timestamp).</summary>
        public long Queued { get; } = queued;

        /// <summary>The submitter's span (default when it had none).</summary>
        public ActivityContext Caller { get; } = caller;

        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One transaction's items, their total weight, and how long the oldest of them waited for a writer.</summary>
internal sealed record GroupCommitBatch<TItem>(IReadOnlyList<TItem> Items, int Weight, TimeSpan LongestWait);
