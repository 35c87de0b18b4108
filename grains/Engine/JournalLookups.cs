using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// Looks up, in PostgreSQL, the journal entries of keys an account's memory does not know,
/// gathering the keys of concurrent callers into one query (at most
/// <see cref="Limits.MaxJournalLookupBatch"/> keys; one query at a time per account), the read
/// side of group commit: a hot account whose memory has forgotten old keys pays one round trip
/// per batch of new keys, not one per request.
/// </summary>
/// <remarks>
/// Hand-written rather than a library batcher: it runs on the grain's single-threaded scheduler
/// (no locks), and its bound must answer 503 like the write queue's. Not thread-safe.
/// </remarks>
internal sealed class JournalLookups(LedgerStore store, string kind, string accountId)
{
    private readonly Dictionary<(string Key, string Operation), TaskCompletionSource<JournalEntry?>> _waiting = [];
    private Task? _loop;

    /// <summary>
    /// The entry of (<paramref name="key"/>, <paramref name="operation"/>), or null when PostgreSQL
    /// has none. Fails with <see cref="LedgerUnavailableException"/> past
    /// <see cref="Limits.MaxPendingOperations"/> waiting keys, and with the database's error when
    /// the query fails.
    /// </summary>
    public Task<JournalEntry?> FindAsync(string key, string operation)
    {
        if (!_waiting.TryGetValue((key, operation), out var found))
        {
            if (_waiting.Count >= Limits.MaxPendingOperations)
            {
                return Task.FromException<JournalEntry?>(
                    new LedgerUnavailableException($"the account's journal lookups are full ({Limits.MaxPendingOperations} keys)"));
            }

            found = new TaskCompletionSource<JournalEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((key, operation), found);
        }

        _loop ??= LoopAsync();
        return found.Task;
    }

    private async Task LoopAsync()
    {
        // Let the callers already queued behind this one add their keys to the same query.
        await Task.Yield();
        try
        {
            while (_waiting.Count > 0)
            {
                var batch = _waiting.Take(Limits.MaxJournalLookupBatch).ToList();
                foreach (var (wanted, _) in batch)
                {
                    _waiting.Remove(wanted);
                }

                try
                {
                    var keys = batch.Select(b => b.Key.Key).Distinct(StringComparer.Ordinal).ToList();
                    var rows = await store.FindJournalManyAsync(kind, accountId, keys);
                    var byKey = rows.ToDictionary(r => (r.Key, r.Operation));
                    foreach (var (wanted, waiter) in batch)
                    {
                        waiter.TrySetResult(byKey.GetValueOrDefault(wanted));
                    }
                }
                catch (Exception error)
                {
                    foreach (var (_, waiter) in batch)
                    {
                        waiter.TrySetException(error);
                    }
                }
            }
        }
        finally
        {
            _loop = null;
        }
    }
}
