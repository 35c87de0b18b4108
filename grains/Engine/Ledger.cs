using System.Diagnostics;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// The working state of one account inside its grain, and its write path (DESIGN.md):
/// <list type="number">
/// <item>the grain decides in memory, in one synchronous step, and <see cref="Stage"/>s the change;</item>
/// <item>changes gather in a pending batch (at most <see cref="Limits.MaxFlushBatch"/> operations);</item>
/// <item>one batch at a time goes to the silo's shared writer (<see cref="LedgerWriter"/>), which writes it
/// with other accounts' batches in one transaction, fenced by this account's version;</item>
/// <item>every caller in the batch is answered only after the commit; if it fails, all of them fail
/// with <see cref="LedgerUnavailableException"/> and this ledger is dead: the grain loads a new one.</item>
/// </list>
/// Not thread-safe: it lives on its grain's single-threaded scheduler, and no method awaits between
/// reading and changing state.
/// </summary>
internal sealed class Ledger<TAccount, TDetail, TSide>
    where TAccount : class
    where TSide : class
{
    private readonly LedgerStore _store;
    private readonly LedgerKind<TAccount, TDetail, TSide> _kind;
    private readonly Dictionary<string, Hold<TDetail>> _open = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset ExpiresAt, string RequestId)> _expiry = [];
    private readonly Dictionary<string, long> _reservedByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _openByTag = new(StringComparer.Ordinal);
    private readonly BoundedCache<string, Hold<TDetail>> _closed;
    private readonly BoundedCache<(string Key, string Operation), Remembered> _journal;
    private readonly JournalLookups _lookups;
    private readonly Queue<PendingBatch<TAccount>> _sealed = new();
    private PendingBatch<TAccount>? _filling;
    private PendingBatch<TAccount>? _flushing;
    private int _pendingOperations;

    // Every staged operation takes the next number; _durableSeq is the last one committed. What
    // memory remembers past _durableSeq is not in PostgreSQL yet, so the caches never forget it.
    private long _stagedSeq;
    private long _durableSeq;
    private Task? _flushLoop;

    // True while memory holds every journal entry of this account that PostgreSQL holds (as of
    // the load, plus what this ledger staged since): then a key memory does not know is new, and
    // no lookup is needed. Cleared when the load was cut at its bound; the cache's own eviction
    // flag covers what is forgotten later.
    private bool _journalLoadedWhole;

    // For ledgers loaded outside a silo (tools, tests): the defaults, counted apart from any silo's.
    private static readonly AccountMemory StandaloneMemory = AccountMemory.CreateDefault();

    private Ledger(LedgerStore store, LedgerKind<TAccount, TDetail, TSide> kind, AccountMemory memory, string accountId, TAccount account, long version)
    {
        _store = store;
        _closed = new(Limits.MaxRememberedOutcomes, memory.RememberFor, memory.Remembered, AccountMemory.FloorPerAccount);
        // Journal entries are never forgotten by age: while none is forgotten, a key memory does
        // not know is new (KnowsEveryKey) and needs no lookup, which is what keeps a reserve on
        // an account with history free of reads. Only the count bounds forget them.
        _journal = new(Limits.MaxRememberedOutcomes, null, memory.Remembered, AccountMemory.FloorPerAccount);
        _kind = kind;
        AccountId = accountId;
        Account = account;
        Version = version;
        _lookups = new JournalLookups(store, kind.Name, accountId);
    }

    /// <summary>Raised once when the ledger dies, with the reason; the grain reloads or deactivates.</summary>
    public event Action<LedgerDeath>? Died;

    /// <summary>Raised after each flush that committed, on the grain's turn; handlers must not throw.</summary>
    public event Action? Flushed;

    public string AccountId { get; }

    /// <summary>The account as decided so far, including staged changes not yet durable.</summary>
    public TAccount Account { get; private set; }

    /// <summary>The version of the account row in PostgreSQL as of the last committed flush (0: no row yet).</summary>
    public long Version { get; private set; }

    /// <summary>The kind's side state (see <see cref="LedgerKind{TAccount, TDetail, TSide}.LoadSideAsync"/>).</summary>
    public TSide Side { get; private set; } = null!;

    /// <summary>True once a flush failed: nothing more may be staged here.</summary>
    public bool IsDead { get; private set; }

    /// <summary>The sum held by open holds, as of the last <see cref="Sweep"/>.</summary>
    public long Reserved { get; private set; }

    public int OpenHolds => _open.Count;

    /// <summary>Operations staged and not yet durable.</summary>
    public int PendingOperations => _pendingOperations;

    /// <summary>The sum held by open holds with this tag, as of the last <see cref="Sweep"/>.</summary>
    public long ReservedFor(string tag) => _reservedByTag.GetValueOrDefault(tag);

    /// <summary>
    /// The reserved total (or one tag's, when <paramref name="tag"/> is given) as it will be once
    /// <paramref name="hold"/> stops counting: what a commit or release answers as the balance.
    /// </summary>
    public long ReservedWithout(Hold<TDetail> hold, string? tag = null)
    {
        long total = tag is null ? Reserved : ReservedFor(tag);
        bool counted = _open.ContainsKey(hold.RequestId) && (tag is null || hold.Tag == tag);
        return counted ? total - hold.Amount : total;
    }

    /// <summary>The tags of the open holds (features of a port's holds), each once.</summary>
    public IReadOnlyCollection<string> OpenTags => _openByTag.Keys;

    /// <summary>The open holds, for reads that need more than the totals.</summary>
    public IEnumerable<Hold<TDetail>> OpenHoldsSnapshot => _open.Values;

    public static async Task<Ledger<TAccount, TDetail, TSide>> LoadAsync(
        LedgerStore store,
        LedgerKind<TAccount, TDetail, TSide> kind,
        string accountId,
        DateTimeOffset now,
        IReadOnlyCollection<(string Key, string Operation)> knownReplays,
        AccountMemory? memory = null)
    {
        var stored = await store.LoadAccountAsync(kind.Name, accountId);
        var account = stored is null ? kind.Blank(accountId, now) : LedgerJson.Deserialize<TAccount>(stored.StateJson);
        var ledger = new Ledger<TAccount, TDetail, TSide>(store, kind, memory ?? StandaloneMemory, accountId, account, stored?.Version ?? 0);
        try
        {
            foreach (var row in await store.LoadOpenHoldsAsync(kind.Name, accountId, now, Limits.MaxOpenHoldsPerAccount))
            {
                ledger.Apply(FromStored(row), now);
            }

            var journal = await store.LoadRecentJournalAsync(kind.Name, accountId, Limits.JournalEntriesLoadedAtActivation);
            ledger._journalLoadedWhole = journal.Count < Limits.JournalEntriesLoadedAtActivation;
            foreach (var (key, operation) in knownReplays)
            {
                if (await store.FindJournalAsync(kind.Name, accountId, key, operation) is { } entry)
                {
                    journal.Add(entry);
                }
            }

            ledger.Side = await kind.LoadSideAsync(store, accountId, now);

            // Oldest first, so the newest survive the cache bound.
            foreach (var entry in journal.OrderBy(j => j.At))
            {
                ledger._journal.Set((entry.Key, entry.Operation), new Remembered(entry, Task.CompletedTask), 0, entry.At, 0);
            }

            ledger.CheckInvariants();
            return ledger;
        }
        catch
        {
            // A load that failed half-way leaves nothing behind: give back what it counted.
            ledger.Release();
            throw;
        }
    }

    /// <summary>Stops counting holds that expired at or before <paramref name="now"/>. Nothing is written: expiry is read off the clock.</summary>
    public void Sweep(DateTimeOffset now)
    {
        while (_expiry.Count > 0 && _expiry.Min.ExpiresAt <= now)
        {
            var (_, requestId) = _expiry.Min;
            var hold = _open[requestId];
            Forget(hold);
            LedgerMetrics.HoldExpired(_kind.Name);
            // Its reserve may still be staged: forgettable only once all staged so far is durable.
            _closed.Set(requestId, hold, _stagedSeq, now, _durableSeq);
        }
    }

    /// <summary>The hold with this request id if memory knows it (open, or recently closed or expired).</summary>
    public Hold<TDetail>? KnownHold(string requestId) =>
        _open.TryGetValue(requestId, out var open) ? open
        : _closed.TryGet(requestId, out var closed) ? closed
        : null;

    /// <summary>The journal entry if memory knows it.</summary>
    public Remembered? KnownJournal(string key, string operation) =>
        _journal.TryGet((key, operation), out var remembered) ? remembered : null;

    /// <summary>
    /// Looks a hold up in memory, then in PostgreSQL. Call before the synchronous step; what it
    /// finds is cached, so the step sees it.
    /// </summary>
    public async Task<Hold<TDetail>?> FindHoldAsync(string requestId, DateTimeOffset now)
    {
        if (KnownHold(requestId) is { } known)
        {
            return known;
        }

        var row = await _store.FindHoldAsync(_kind.Name, AccountId, requestId);
        if (row is null || KnownHold(requestId) is not null)
        {
            return KnownHold(requestId);
        }

        var hold = FromStored(row);
        // An open hold we did not load means another activation wrote this account: memory is stale.
        Invariant.Require(!hold.CountsAt(now), $"hold {requestId} is open in PostgreSQL but not in memory");
        _closed.Set(requestId, hold, 0, now, _durableSeq);
        return hold;
    }

    /// <summary>
    /// True when memory knows every key this account has journaled, so a key it does not know
    /// was never used: the account's whole journal fit in the load, and nothing was forgotten since.
    /// </summary>
    public bool KnowsEveryKey => _journalLoadedWhole && !_journal.HasEvicted;

    /// <summary>
    /// Looks a journal entry up in memory, then (unless memory knows every key) in PostgreSQL,
    /// many callers' keys in one query; cached when found. Every keyed operation calls this before
    /// its synchronous step, so a key memory forgot is answered as the replay it is, never decided afresh.
    /// </summary>
    public async Task<Remembered?> FindJournalAsync(string key, string operation)
    {
        if (KnownJournal(key, operation) is { } known)
        {
            return known;
        }

        if (KnowsEveryKey)
        {
            return null;
        }

        var entry = await _lookups.FindAsync(key, operation);
        if (entry is null || KnownJournal(key, operation) is not null)
        {
            return KnownJournal(key, operation);
        }

        var remembered = new Remembered(entry, Task.CompletedTask);
        _journal.Set((key, operation), remembered, 0, entry.At, _durableSeq);
        return remembered;
    }

    /// <summary>
    /// True when the account's queue has room for one more operation and the silo's shared writer
    /// is not at its bound: otherwise the operation is answered Unavailable with nothing staged.
    /// </summary>
    public bool CanStage => !IsDead && _pendingOperations < Limits.MaxPendingOperations && _store.Writer.HasRoomFor(1);

    /// <summary>
    /// Applies a decided change to memory and queues it for the next flush. Returns the task that
    /// completes when it is durable. Throws <see cref="LedgerUnavailableException"/> (changing
    /// nothing) when the ledger is dead or its queue is full: check <see cref="CanStage"/> first.
    /// </summary>
    public Task Stage(TAccount accountAfter, JournalEntry? journal, Hold<TDetail>? hold, DateTimeOffset now, SideRow? sideRow = null)
    {
        if (IsDead)
        {
            throw new LedgerUnavailableException("the account is reloading after a failed write");
        }

        if (_pendingOperations >= Limits.MaxPendingOperations)
        {
            throw new LedgerUnavailableException($"the account's write queue is full ({Limits.MaxPendingOperations} operations)");
        }

        var batch = _filling ??= new PendingBatch<TAccount>(Account);
        Account = accountAfter;
        batch.AccountAfter = accountAfter;
        batch.LastAt = now;
        batch.Operations++;
        batch.LastSeq = ++_stagedSeq;
        // The caller's span (its grain call), so the flush that makes this durable links to it.
        if (Activity.Current is { } caller && batch.Callers.Count < LedgerTracing.MaxLinks)
        {
            batch.Callers.Add(caller.Context);
        }

        _pendingOperations++;
        LedgerMetrics.PendingChanged(_kind.Name, 1);

        if (hold is not null)
        {
            Apply(hold, now);
            batch.Holds[hold.RequestId] = ToStored(hold);
        }

        if (journal is not null)
        {
            batch.Journal.Add(journal);
            _journal.Set((journal.Key, journal.Operation), new Remembered(journal, batch.Durable), _stagedSeq, now, _durableSeq);
        }

        if (sideRow is not null)
        {
            batch.SideRows.Add(sideRow);
        }

        if (batch.Operations >= Limits.MaxFlushBatch)
        {
            _sealed.Enqueue(batch);
            _filling = null;
        }

        _flushLoop ??= FlushLoopAsync();
        return batch.Durable;
    }

    /// <summary>
    /// Completes when everything staged so far is durable. Answers that stage nothing (refusals,
    /// reads) wait on it, because what they say depends on staged changes.
    /// </summary>
    /// <remarks>
    /// On a dead ledger it fails with <see cref="LedgerUnavailableException"/>: what memory says
    /// there includes changes that were never committed, so nothing may be answered from it.
    /// </remarks>
    public Task WhenDurable() => IsDead
        ? Task.FromException(new LedgerUnavailableException("the account is reloading after a failed write"))
        : _filling?.Durable ?? (_sealed.Count > 0 ? _sealed.Last().Durable : _flushing?.Durable) ?? Task.CompletedTask;

    /// <summary>
    /// Completes when an answer of <paramref name="refusal"/> may be given: a refusal decided on
    /// staged changes waits until they are durable (<see cref="WhenDurable"/>); Unavailable
    /// decides nothing (the write queue is full, or the ledger is dead) and is answered at once,
    /// or the bound would keep its callers waiting on the very queue it protects.
    /// </summary>
    public Task WhenAnswerable(Outcome refusal) => refusal == Outcome.Unavailable ? Task.CompletedTask : WhenDurable();

    /// <summary>Waits for the running flushes to end (for deactivation). Never throws.</summary>
    public async Task DrainAsync()
    {
        while (_flushLoop is { } loop)
        {
            await loop;
        }
    }

    private async Task FlushLoopAsync()
    {
        // Let the callers already queued behind this one stage their changes into the same batch.
        await Task.Yield();
        try
        {
            while (!IsDead)
            {
                if (_sealed.Count == 0)
                {
                    if (_filling is null)
                    {
                        return;
                    }

                    _sealed.Enqueue(_filling);
                    _filling = null;
                }

                var batch = _sealed.Dequeue();
                _flushing = batch;
                await FlushOneAsync(batch);
                _flushing = null;
            }
        }
        finally
        {
            _flushing = null;
            _flushLoop = null;
        }
    }

    private async Task FlushOneAsync(PendingBatch<TAccount> batch)
    {
        FlushOutcome outcome;
        try
        {
            CheckInvariants();
            var write = new AccountWrite(
                _kind.Name,
                AccountId,
                Version,
                LedgerJson.Serialize(batch.AccountAfter),
                batch.LastAt,
                batch.Operations,
                batch.Journal,
                [.. batch.Holds.Values],
                batch.SideRows,
                batch.Callers);
            outcome = await WriteWhenQueuedAsync(write);
        }
        catch (InvariantViolationException broken)
        {
            Die(new LedgerDeath(LedgerDeathReason.InvariantBroken, broken, []), batch);
            return;
        }
        catch (Exception error)
        {
            // The shared transaction failed (or the silo's writer queue was full): nothing of this
            // batch committed, and memory holds it: reload.
            Die(new LedgerDeath(LedgerDeathReason.StorageFailed, error, []), batch);
            return;
        }

        switch (outcome.Status)
        {
            case FlushStatus.Committed:
                Version++;
                _pendingOperations -= batch.Operations;
                LedgerMetrics.PendingChanged(_kind.Name, -batch.Operations);
                Invariant.Require(_pendingOperations >= 0, "pending operation count went negative");
                _durableSeq = batch.LastSeq;
                _closed.Trim(_durableSeq, batch.LastAt);
                _journal.Trim(_durableSeq, batch.LastAt);
                batch.Succeed();
                Flushed?.Invoke();
                break;
            case FlushStatus.Fenced:
                Die(new LedgerDeath(LedgerDeathReason.Fenced, null, []), batch);
                break;
            case FlushStatus.DuplicateKeys:
                Die(new LedgerDeath(LedgerDeathReason.DuplicateKeys, null, outcome.DuplicateKeys), batch);
                break;
            case FlushStatus.Failed:
                Die(new LedgerDeath(LedgerDeathReason.StorageFailed, outcome.Error, []), batch);
                break;
            default:
                throw new InvariantViolationException($"unknown flush status {outcome.Status}");
        }
    }

    /// <summary>
    /// Hands the batch to the silo's writer, waiting for room when its queue is full: the queue
    /// can fill between <see cref="CanStage"/> and here, and the batch's callers are already
    /// waiting, so dropping the ledger (and reloading it, more reads) would only add load to a
    /// database that is not keeping up. Past <see cref="Limits.QueueFullWaitMilliseconds"/> the
    /// ledger gives up and fails its callers (503).
    /// </summary>
    private async Task<FlushOutcome> WriteWhenQueuedAsync(AccountWrite write)
    {
        const int stepMilliseconds = 10;
        for (int waited = 0; ; waited += stepMilliseconds)
        {
            try
            {
                return await _store.Writer.WriteAsync(write);
            }
            catch (WriteQueueFullException) when (waited < Limits.QueueFullWaitMilliseconds)
            {
                await Task.Delay(stepMilliseconds);
            }
        }
    }

    /// <summary>Fails everything staged and not yet durable; the grain must load a fresh ledger.</summary>
    public void Die(LedgerDeath death, PendingBatch<TAccount>? current = null)
    {
        if (IsDead)
        {
            return;
        }

        IsDead = true;
        LedgerMetrics.PendingChanged(_kind.Name, -_pendingOperations);
        var error = new LedgerUnavailableException($"write not committed: {death.Reason}", death.Error);
        current?.Fail(error);
        _flushing?.Fail(error);
        while (_sealed.TryDequeue(out var queued))
        {
            queued.Fail(error);
        }

        _filling?.Fail(error);
        _filling = null;
        Release();
        Died?.Invoke(death);
    }

    /// <summary>Gives what this ledger remembers back to the silo's count: it is being dropped (died, or its grain deactivates).</summary>
    public void Release()
    {
        _closed.Release();
        _journal.Release();
    }

    private void Apply(Hold<TDetail> hold, DateTimeOffset now)
    {
        if (_open.TryGetValue(hold.RequestId, out var previous))
        {
            Forget(previous);
        }

        if (hold.CountsAt(now))
        {
            Invariant.Require(hold.Amount >= 0, "a hold amount is negative");
            _open.Add(hold.RequestId, hold);
            _expiry.Add((hold.ExpiresAt, hold.RequestId));
            Reserved += hold.Amount;
            _reservedByTag[hold.Tag] = ReservedFor(hold.Tag) + hold.Amount;
            _openByTag[hold.Tag] = _openByTag.GetValueOrDefault(hold.Tag) + 1;
        }
        else
        {
            _closed.Set(hold.RequestId, hold, _stagedSeq, now, _durableSeq);
        }
    }

    private void Forget(Hold<TDetail> open)
    {
        _open.Remove(open.RequestId);
        _expiry.Remove((open.ExpiresAt, open.RequestId));
        Reserved -= open.Amount;
        int holdsLeft = _openByTag[open.Tag] - 1;
        if (holdsLeft == 0)
        {
            _openByTag.Remove(open.Tag);
        }
        else
        {
            _openByTag[open.Tag] = holdsLeft;
        }

        long left = ReservedFor(open.Tag) - open.Amount;
        if (left == 0)
        {
            _reservedByTag.Remove(open.Tag);
        }
        else
        {
            _reservedByTag[open.Tag] = left;
        }
    }

    /// <summary>The engine's own invariants, then the kind's. Runs before every flush and after every load.</summary>
    public void CheckInvariants()
    {
        Invariant.Require(_open.Count == _expiry.Count, "open holds and the expiry index disagree");
        Invariant.Require(_open.Count <= Limits.MaxOpenHoldsPerAccount + Limits.MaxFlushBatch, "too many open holds");
        long sum = 0;
        var byTag = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var hold in _open.Values)
        {
            Invariant.Require(hold.State == ReservationState.Reserved, $"hold {hold.RequestId} is indexed as open but is {hold.State}");
            sum += hold.Amount;
            byTag[hold.Tag] = byTag.GetValueOrDefault(hold.Tag) + hold.Amount;
        }

        Invariant.Require(sum == Reserved, $"reserved total {Reserved} differs from the sum of open holds {sum}");
        Invariant.Require(_openByTag.Values.Sum() == _open.Count, "open holds by tag differ from the open holds");
        foreach (var (tag, total) in byTag)
        {
            Invariant.Require(ReservedFor(tag) == total, $"reserved for {tag} differs from its holds");
        }

        Invariant.Require(Version >= 0, "account version is negative");
        _kind.CheckInvariants(Account);
    }

    private static Hold<TDetail> FromStored(StoredHold row) => new(
        row.RequestId, row.State, row.Amount, row.Tag, row.CreatedAt, row.ExpiresAt,
        LedgerJson.Deserialize<TDetail>(row.DetailJson), row.ClosedAt, row.CommittedAmount, row.Late);

    private static StoredHold ToStored(Hold<TDetail> hold) => new(
        hold.RequestId, hold.State, hold.Amount, hold.Tag, hold.CreatedAt, hold.ExpiresAt,
        LedgerJson.Serialize(hold.Detail), hold.ClosedAt, hold.CommittedAmount, hold.Late);
}
