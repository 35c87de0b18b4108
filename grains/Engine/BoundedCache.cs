namespace Metering.Grains.Engine;

/// <summary>
/// What an account remembers of finished work (closed holds, journal entries) only to answer
/// replays fast; what it forgets is still in PostgreSQL and is read back when asked for. It
/// forgets its oldest entries past <c>capacity</c>, past <c>maxAge</c> (null: never by age), or
/// while the silo as a whole remembers more than its bound (<see cref="RememberedEntries"/>) and
/// this account more than <c>floor</c>; but never an entry staged after <c>durableSeq</c>: memory
/// is the only place a change not yet committed is known, so forgetting it would let a replay be
/// decided afresh. Not thread-safe: owned by one grain activation.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity, TimeSpan? maxAge, RememberedEntries silo, int floor)
    where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long Seq, long Stamp)> _items = [];

    // Insertion order; an entry set again is queued again (a new stamp), and its older place is skipped.
    private readonly Queue<(TKey Key, long Stamp, long Seq, DateTimeOffset At)> _order = new();
    private long _stamps;

    // Set once the ledger is dropped: its entries stay readable for calls still finishing on it,
    // but no longer count in the silo's total.
    private bool _released;

    public int Count => _items.Count;

    /// <summary>True once an entry was forgotten: the cache no longer holds everything it was given.</summary>
    public bool HasEvicted { get; private set; }

    public bool TryGet(TKey key, out TValue value)
    {
        bool found = _items.TryGetValue(key, out var item);
        value = item.Value;
        return found;
    }

    /// <param name="seq">The ledger's staging sequence when this was set (0: loaded from PostgreSQL).</param>
    /// <param name="at">When it happened, for <c>maxAge</c>.</param>
    public void Set(TKey key, TValue value, long seq, DateTimeOffset at, long durableSeq)
    {
        if (!_items.ContainsKey(key) && !_released)
        {
            silo.Add(1);
        }

        long stamp = ++_stamps;
        _items[key] = (value, seq, stamp);
        _order.Enqueue((key, stamp, seq, at));
        Trim(durableSeq, at);
    }

    /// <summary>Forgets what the bounds say to forget, oldest first, stopping at the first entry not yet durable.</summary>
    public void Trim(long durableSeq, DateTimeOffset now)
    {
        var oldestKept = maxAge is { } age ? now - age : DateTimeOffset.MinValue;
        while (_order.TryPeek(out var oldest))
        {
            if (!_items.TryGetValue(oldest.Key, out var item) || item.Stamp != oldest.Stamp)
            {
                _order.Dequeue(); // set again later: its newer place counts
                continue;
            }

            bool forget = _items.Count > capacity || oldest.At <= oldestKept || (silo.IsOver && _items.Count > floor);
            if (!forget || oldest.Seq > durableSeq)
            {
                return;
            }

            _order.Dequeue();
            _items.Remove(oldest.Key);
            if (!_released)
            {
                silo.Add(-1);
            }

            HasEvicted = true;
        }
    }

    /// <summary>
    /// Gives everything back to the silo's count (the ledger is being dropped), once. The entries
    /// stay: a call that took the ledger before an await may still finish its step on it.
    /// </summary>
    public void Release()
    {
        if (!_released)
        {
            _released = true;
            silo.Add(-_items.Count);
        }
    }
}
