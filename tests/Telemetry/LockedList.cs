using System.Collections;
using System.Diagnostics;

namespace Metering.Tests.Telemetry;

/// <summary>
/// The in-memory exporter's collection, safe to read while spans are exported: the exporter adds
/// from whichever thread ends a span, the test reads a snapshot. Every access locks the list.
/// </summary>
internal sealed class LockedList(List<Activity> inner) : ICollection<Activity>
{
    public int Count
    {
        get
        {
            lock (inner)
            {
                return inner.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public List<Activity> Snapshot()
    {
        lock (inner)
        {
            return [.. inner];
        }
    }

    public void Add(Activity item)
    {
        lock (inner)
        {
            inner.Add(item);
        }
    }

    public void Clear()
    {
        lock (inner)
        {
            inner.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (inner)
        {
            return inner.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
