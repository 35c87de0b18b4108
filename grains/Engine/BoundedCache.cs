namespace Metering.Grains.Engine;

/// <summary>
/// A dictionary that forgets its oldest insertions past <c>capacity</c> entries. Used for finished
/// holds and journal entries that are kept in memory only to answer replays fast; what it forgets
/// is still in PostgreSQL. Not thread-safe: owned by one grain activation.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _items = [];
    private readonly Queue<TKey> _order = new();

    public int Count => _items.Count;

    /// <summary>True once an entry was forgotten for lack of room: the cache no longer holds everything it was given.</summary>
    public bool HasEvicted { get; private set; }

    public bool TryGet(TKey key, out TValue value) => _items.TryGetValue(key, out value!);

    public void Set(TKey key, TValue value)
    {
        if (!_items.ContainsKey(key))
        {
            _order.Enqueue(key);
        }

        _items[key] = value;
        while (_items.Count > capacity && _order.TryDequeue(out TKey? oldest))
        {
            _items.Remove(oldest);
            HasEvicted = true;
        }
    }
}
