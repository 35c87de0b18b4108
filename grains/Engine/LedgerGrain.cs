using System.Data.Common;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Admin;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.Logging;

namespace Metering.Grains.Engine;

/// <summary>
/// What every account grain shares: loading its <see cref="Ledger{TAccount, TDetail, TSide}"/> (and
/// loading a fresh one after a failed write), turning storage faults into
/// <see cref="Outcome.Unavailable"/>, and deactivating when fenced or when an invariant breaks.
/// Account grains are reentrant so that calls keep arriving while a flush runs (group commit);
/// each call decides in one synchronous step, so interleaving never splits a decision. After
/// its load, each committed flush and each refused reserve it tells the silo's
/// <see cref="NearLimitBoard"/> how full it is, and takes itself off when it deactivates or drops its ledger.
/// </summary>
internal abstract partial class LedgerGrain<TAccount, TDetail, TSide>(
    LedgerStore store, LedgerClock clock, AccountMemory memory, NearLimitBoard board, ILogger logger) : Grain
    where TAccount : class
    where TSide : class
{
    private readonly HashSet<(string Key, string Operation)> _knownReplays = [];
    private Ledger<TAccount, TDetail, TSide>? _ledger;
    private Task<Ledger<TAccount, TDetail, TSide>>? _loading;

    protected abstract LedgerKind<TAccount, TDetail, TSide> Kind { get; }

    /// <summary>How full the account is (for the overview's nearest limits); null when it has no limit.</summary>
    protected abstract NearLimit? Fill(Ledger<TAccount, TDetail, TSide> ledger, DateTimeOffset now);

    /// <summary>The ledger's store, for a kind's own reads (audit pages, usage buckets).</summary>
    protected LedgerStore Store => store;

    protected string AccountId => this.GetPrimaryKeyString();

    /// <summary>The clock, to the millisecond (the precision of every stored time).</summary>
    protected DateTimeOffset Now() => UtcCalendar.Now(clock);

    /// <summary>The live ledger, loading it first if needed (after activation or a failed write).
    /// Concurrent callers share one load.</summary>
    protected async Task<Ledger<TAccount, TDetail, TSide>> LedgerAsync()
    {
        if (_ledger is { IsDead: false } live)
        {
            return live;
        }

        var loading = _loading ??= LoadAsync();
        try
        {
            return await loading;
        }
        finally
        {
            // Cleared by whoever sees it finish (never inside LoadAsync: a load that completes
            // synchronously would clear it before it is even stored, and stay stuck).
            if (ReferenceEquals(_loading, loading))
            {
                _loading = null;
            }
        }
    }

    private async Task<Ledger<TAccount, TDetail, TSide>> LoadAsync()
    {
        var ledger = await Ledger<TAccount, TDetail, TSide>.LoadAsync(store, Kind, AccountId, Now(), [.. _knownReplays], memory);
        ledger.Died += death => OnDied(ledger, death);
        ledger.Flushed += () => TellBoard(ledger);
        _knownReplays.Clear();
        _ledger = ledger;
        TellBoard(ledger);
        return ledger;
    }

    /// <summary>
    /// Tells the silo's board how full the account is. Never throws: it runs inside the flush
    /// loop and the load, which a dashboard figure must never break; a failure is logged.
    /// </summary>
    private void TellBoard(Ledger<TAccount, TDetail, TSide> ledger)
    {
        try
        {
            long generation = board.Generation(Kind.Name);
            board.Tell(Kind.Name, AccountId, Fill(ledger, Now()), generation);
        }
        catch (Exception error)
        {
            LogBoardFailed(logger, Kind.Name, AccountId, error);
        }
    }

    private void OnDied(Ledger<TAccount, TDetail, TSide> ledger, LedgerDeath death)
    {
        if (ReferenceEquals(_ledger, ledger))
        {
            _ledger = null;
        }

        // What it last told may include changes that never became durable.
        board.Forget(Kind.Name, AccountId);
        foreach (var key in death.DuplicateKeys)
        {
            _knownReplays.Add(key);
        }

        LogLedgerDied(logger, Kind.Name, AccountId, death.Reason, death.Error);
        if (death.Reason is LedgerDeathReason.Fenced or LedgerDeathReason.InvariantBroken)
        {
            // Another activation owns the account now, or memory is wrong: go away; the next call
            // activates afresh from PostgreSQL.
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Runs an operation, mapping the faults that mean "nothing was acknowledged" to
    /// <see cref="Outcome.Unavailable"/>. Business outcomes are results, never exceptions.
    /// </summary>
    protected async Task<T> Guard<T>(string name, Func<Task<T>> operation, Func<Outcome, T> failed, Func<T, Outcome> outcomeOf)
    {
        var result = await GuardCore(operation, failed);
        LedgerMetrics.Answered(Kind.Name, name, outcomeOf(result).ToString());
        return result;
    }

    private async Task<T> GuardCore<T>(Func<Task<T>> operation, Func<Outcome, T> failed)
    {
        try
        {
            return await operation();
        }
        catch (LedgerUnavailableException)
        {
            return failed(Outcome.Unavailable);
        }
        catch (InvariantViolationException broken)
        {
            _ledger?.Die(new LedgerDeath(LedgerDeathReason.InvariantBroken, broken, []));
            _ledger = null;
            DeactivateOnIdle();
            return failed(Outcome.Unavailable);
        }
        catch (Exception error) when (error is DbException or TimeoutException or InvalidOperationException { InnerException: DbException })
        {
            LogStorageFault(logger, Kind.Name, AccountId, error);
            return failed(Outcome.Unavailable);
        }
    }

    /// <summary>
    /// The read every keyed operation (a reserve, a usage record, a grant) makes before its
    /// synchronous step: the key's journal entry, from memory or, when memory may have forgotten
    /// it (an account with more history than memory keeps), from PostgreSQL. A key used before is
    /// then answered with its first answer, also after a restart; never decided afresh.
    /// </summary>
    protected static async Task RecallKeyAsync(Ledger<TAccount, TDetail, TSide> ledger, string key, string operation) =>
        await ledger.FindJournalAsync(key, operation);

    /// <summary>
    /// The first checks of a reserve's synchronous step, in order: a known key is answered from
    /// its first answer; a full write queue is Unavailable; expired holds stop counting; past
    /// <see cref="Limits.MaxOpenHoldsPerAccount"/> open holds the reserve is refused (429).
    /// <see cref="Precheck{TDetail}.Hold"/> is always null here.
    /// </summary>
    protected static Precheck<TDetail> CheckReserve(Ledger<TAccount, TDetail, TSide> ledger, string requestId, DateTimeOffset now)
    {
        if (ledger.KnownJournal(requestId, Operations.Reserve) is { } earlier)
        {
            return new Precheck<TDetail>(null, earlier, null);
        }

        Invariant.Require(ledger.KnownHold(requestId) is null, $"hold {requestId} exists without its reserve journal entry");
        if (!ledger.CanStage)
        {
            return new Precheck<TDetail>(Outcome.Unavailable, null, null);
        }

        ledger.Sweep(now);
        return ledger.OpenHolds >= Limits.MaxOpenHoldsPerAccount
            ? new Precheck<TDetail>(Outcome.TooManyOpenReservations, null, null)
            : new Precheck<TDetail>(null, null, null);
    }

    /// <summary>
    /// The reads a commit or release needs before its synchronous step: the hold (memory, else
    /// PostgreSQL) and, when that hold is already closed by this operation, its journal entry.
    /// </summary>
    protected static async Task<Hold<TDetail>?> FindForSettleAsync(Ledger<TAccount, TDetail, TSide> ledger, string requestId, string operation, DateTimeOffset now)
    {
        var found = await ledger.FindHoldAsync(requestId, now);
        var closedByThis = operation == Operations.Commit ? ReservationState.Committed : ReservationState.Released;
        if (found?.State == closedByThis)
        {
            await ledger.FindJournalAsync(requestId, operation);
        }

        return found;
    }

    /// <summary>
    /// The synchronous check of a commit or release: unknown → not found; closed by this operation
    /// → the earlier answer; closed by the other → not open; else the hold to settle (open or
    /// expired: a commit after expiry is still recorded, late).
    /// </summary>
    protected static Precheck<TDetail> CheckSettle(Ledger<TAccount, TDetail, TSide> ledger, Hold<TDetail>? found, string requestId, string operation)
    {
        var hold = ledger.KnownHold(requestId) ?? found;
        if (hold is null)
        {
            return new Precheck<TDetail>(Outcome.NotFound, null, null);
        }

        var closedByThis = operation == Operations.Commit ? ReservationState.Committed : ReservationState.Released;
        if (hold.State == closedByThis)
        {
            var earlier = ledger.KnownJournal(requestId, operation);
            Invariant.Require(earlier is not null, $"hold {requestId} was closed by {operation} without a journal entry");
            return new Precheck<TDetail>(null, earlier, hold);
        }

        return hold.State == ReservationState.Reserved
            ? new Precheck<TDetail>(null, null, hold)
            : new Precheck<TDetail>(Outcome.ReservationNotOpen, null, hold);
    }

    /// <summary>
    /// A reserve, the same for every kind: validation, the key's journal entry (memory, else
    /// PostgreSQL), then in one synchronous step: the earlier answer (compared on
    /// <paramref name="hash"/>), the engine's own refusals (<see cref="CheckReserve"/>), else the
    /// kind's <paramref name="plan"/>; an accepted plan is staged with its journal entry and
    /// answered once durable; a refusal is answered once what it was decided on is durable.
    /// </summary>
    protected async Task<(Outcome Outcome, TReservation? Reservation, TRefused? Refused, ValidationErrors? Errors)> ReserveCoreAsync<TReservation, TRefused>(
        string keyField, string requestId, ValidationErrors? requestErrors, byte[] hash,
        Func<Ledger<TAccount, TDetail, TSide>, DateTimeOffset, ReservePlan<TAccount, TDetail, TReservation, TRefused>> plan)
        where TReservation : class
        where TRefused : class
    {
        var errors = InvalidKey(keyField) ?? requestErrors;
        if (errors is not null)
        {
            return (Outcome.InvalidRequest, null, null, errors);
        }

        var ledger = await LedgerAsync();
        await RecallKeyAsync(ledger, requestId, Operations.Reserve);

        // The synchronous step: nothing below awaits until the change is staged.
        var now = Now();
        var check = CheckReserve(ledger, requestId, now);
        if (check.Earlier is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<TReservation>(earlier, hash);
            return (replayed, first, null, null);
        }

        if (check.Refusal is { } early)
        {
            await ledger.WhenAnswerable(early);
            return (early, null, null, null);
        }

        var decided = plan(ledger, now);
        if (decided.Refusal is { } refusal)
        {
            // Not stored, but decided on staged changes: answer once they are durable.
            await ledger.WhenAnswerable(refusal);

            // A refused account may be as near its limit as any: tell the board, which may have
            // dropped it (a tier's quota changed) while nothing was flushed.
            TellBoard(ledger);
            return (refusal, null, decided.Refused, null);
        }

        var journal = new JournalEntry(requestId, Operations.Reserve, hash, LedgerJson.Serialize(decided.Reservation!), now);
        await ledger.Stage(decided.Account!, journal, decided.Hold!, now);
        return (Outcome.Created, decided.Reservation, null, null);
    }

    /// <summary>
    /// A commit, the same for every kind: checks, then (synchronously) not found / not open / the
    /// earlier answer (compared on <paramref name="hashOf"/>, the request's effective values),
    /// else the kind's <paramref name="plan"/> for the hold; a hold that expired is still
    /// committed (the call ran), marked late.
    /// </summary>
    protected async Task<(Outcome Outcome, TReceipt? Receipt, ValidationErrors? Errors)> CommitCoreAsync<TReceipt>(
        string keyField, string requestId, ValidationErrors? requestErrors,
        Func<Hold<TDetail>, byte[]> hashOf,
        Func<Ledger<TAccount, TDetail, TSide>, Hold<TDetail>, bool, DateTimeOffset, CommitPlan<TAccount, TDetail, TReceipt>> plan)
        where TReceipt : class
    {
        var errors = InvalidKey(keyField) ?? requestErrors;
        if (errors is not null)
        {
            return (Outcome.InvalidRequest, null, errors);
        }

        var ledger = await LedgerAsync();
        var found = await FindForSettleAsync(ledger, requestId, Operations.Commit, Now());

        // The synchronous step.
        var now = Now();
        ledger.Sweep(now);
        var check = CheckSettle(ledger, found, requestId, Operations.Commit);
        if (check.Refusal is { } refusal)
        {
            await ledger.WhenDurable();
            return (refusal, null, null);
        }

        var hold = check.Hold!;
        var hash = hashOf(hold);
        if (check.Earlier is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<TReceipt>(earlier, hash);
            return (replayed, first, null);
        }

        bool late = hold.ExpiresAt <= now;
        var decided = plan(ledger, hold, late, now);
        if (decided.Refusal is { } refused)
        {
            // Decided on staged changes too: answer once they are durable.
            await ledger.WhenDurable();
            return (refused, null, decided.Invalid);
        }

        if (!ledger.CanStage)
        {
            return (Outcome.Unavailable, null, null);
        }

        var committed = hold with
        {
            State = ReservationState.Committed,
            ClosedAt = now,
            CommittedAmount = decided.CommittedAmount,
            Late = late,
            Detail = decided.Detail ?? hold.Detail,
        };
        var journal = new JournalEntry(requestId, Operations.Commit, hash, LedgerJson.Serialize(decided.Receipt!), now);
        var durable = ledger.Stage(decided.Account!, journal, committed, now, decided.SideRow);
        decided.AfterStage?.Invoke();
        await durable;
        return (Outcome.Ok, decided.Receipt, null);
    }

    /// <summary>
    /// A release, the same for every kind: checks, then (synchronously) not found / not open /
    /// the earlier answer, else the hold is closed and <paramref name="build"/> makes the kind's
    /// account and receipt from the hold and the state to answer (released, or expired when the
    /// hold had already expired: recorded as released so a later commit is refused).
    /// </summary>
    protected async Task<(Outcome Outcome, TReceipt? Receipt, ValidationErrors? Errors)> ReleaseCoreAsync<TReceipt>(
        string keyField, string requestId, byte[] releaseHash,
        Func<Ledger<TAccount, TDetail, TSide>, Hold<TDetail>, ReservationState, DateTimeOffset, (TAccount Account, TReceipt Receipt)> build)
        where TReceipt : class
    {
        var errors = InvalidKey(keyField) ?? RequestIdErrors(requestId);
        if (errors is not null)
        {
            return (Outcome.InvalidRequest, null, errors);
        }

        var ledger = await LedgerAsync();
        var found = await FindForSettleAsync(ledger, requestId, Operations.Release, Now());

        // The synchronous step.
        var now = Now();
        ledger.Sweep(now);
        var check = CheckSettle(ledger, found, requestId, Operations.Release);
        if (check.Refusal is { } refusal)
        {
            await ledger.WhenDurable();
            return (refusal, null, null);
        }

        if (check.Earlier is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<TReceipt>(earlier, releaseHash);
            return (replayed, first, null);
        }

        var hold = check.Hold!;
        if (!ledger.CanStage)
        {
            return (Outcome.Unavailable, null, null);
        }

        var state = hold.CountsAt(now) ? ReservationState.Released : ReservationState.Expired;
        var (account, receipt) = build(ledger, hold, state, now);
        var released = hold with { State = ReservationState.Released, ClosedAt = now };
        var journal = new JournalEntry(requestId, Operations.Release, releaseHash, LedgerJson.Serialize(receipt), now);
        await ledger.Stage(account, journal, released, now);
        return (Outcome.Ok, receipt, null);
    }

    /// <summary>A reservation read, the same for every kind: the hold (memory, else PostgreSQL) through <paramref name="view"/>.</summary>
    protected async Task<(Outcome Outcome, TView? View, ValidationErrors? Errors)> GetReservationCoreAsync<TView>(
        string keyField, string requestId, Func<Hold<TDetail>, DateTimeOffset, TView> view)
        where TView : class
    {
        var errors = InvalidKey(keyField) ?? RequestIdErrors(requestId);
        if (errors is not null)
        {
            return (Outcome.InvalidRequest, null, errors);
        }

        var ledger = await LedgerAsync();
        var found = await ledger.FindHoldAsync(requestId, Now());
        var now = Now();
        var hold = ledger.KnownHold(requestId) ?? found;
        if (hold is null)
        {
            return (Outcome.NotFound, null, null);
        }

        var answer = view(hold, now);
        await ledger.WhenDurable();
        return (Outcome.Ok, answer, null);
    }

    /// <summary>Validation of the grain's own key, for every method.</summary>
    protected ValidationErrors? InvalidKey(string field)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier(field, AccountId);
        return errors.OrNull();
    }

    /// <summary>Validation of a requestId argument.</summary>
    protected static ValidationErrors? RequestIdErrors(string requestId)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", requestId);
        return errors.OrNull();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_ledger is { } ledger)
        {
            await ledger.DrainAsync();
            ledger.Release();
        }

        // The next activation (here or on another silo) tells its own board.
        board.Forget(Kind.Name, AccountId);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {AccountId}: ledger dropped ({Reason}); the next call reloads it")]
    private static partial void LogLedgerDied(ILogger logger, string kind, string accountId, LedgerDeathReason reason, Exception? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {AccountId}: could not tell the nearest-limits board")]
    private static partial void LogBoardFailed(ILogger logger, string kind, string accountId, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {AccountId}: storage fault, answered unavailable")]
    private static partial void LogStorageFault(ILogger logger, string kind, string accountId, Exception error);
}
