using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;
using Metering.Grains.Admin;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Metering.Grains.Ports;

/// <summary>
/// The token budget of one port. Usage is kept per UTC day and feature (<see cref="PortUsageBook"/>),
/// so the current period's usage is summed from the clock at read time: no reset job, and a
/// change of period applies to usage already recorded.
/// </summary>
[Reentrant]
[GrainType("port")]
internal sealed class PortGrain(LedgerStore store, LedgerClock clock, AccountMemory memory, NearLimitBoard board, ILogger<PortGrain> logger)
    : LedgerGrain<PortAccount, PortHoldDetail, PortUsageBook>(store, clock, memory, board, logger), IPortGrain
{
    private const string KeyField = "portId";
    private static readonly byte[] ReleaseHash = RequestHash.Of(Operations.Release);

    protected override LedgerKind<PortAccount, PortHoldDetail, PortUsageBook> Kind => PortLedgerKind.Instance;

    /// <summary>This period's tokens against the hard cap (what refuses); a disabled budget has no limit.</summary>
    protected override NearLimit? Fill(Ledger<PortAccount, PortHoldDetail, PortUsageBook> ledger, DateTimeOffset now)
    {
        var budget = ledger.Account.Budget;
        return budget.Enabled
            ? NearLimit.Of(AccountKinds.Port, AccountId, Book(ledger, now).Used(PeriodStart(ledger.Account, now)), budget.HardCapTokens,
                NearLimit.Tokens, now, UtcCalendar.PeriodEnd(budget.Period, now))
            : null;
    }

    public Task<PortBudgetResult> GetBudget() =>
        Guard("get_budget", GetBudgetAsync, o => new PortBudgetResult(o), r => r.Outcome);

    public Task<PortBudgetResult> SetBudget(PortBudgetPatch patch, string changedBy) =>
        Guard(Operations.SetBudget, () => SetBudgetAsync(patch, changedBy), o => new PortBudgetResult(o), r => r.Outcome);

    public Task<PortReserveResult> Reserve(PortReserveRequest request) =>
        Guard(Operations.Reserve, () => ReserveAsync(request), o => new PortReserveResult(o), r => r.Outcome);

    public Task<PortCommitResult> Commit(PortCommitRequest request) =>
        Guard(Operations.Commit, () => CommitAsync(request), o => new PortCommitResult(o), r => r.Outcome);

    public Task<PortReleaseResult> Release(string requestId) =>
        Guard(Operations.Release, () => ReleaseAsync(requestId), o => new PortReleaseResult(o), r => r.Outcome);

    public Task<PortUsageResult> RecordUsage(PortUsageRequest request) =>
        Guard(Operations.Usage, () => RecordUsageAsync(request), o => new PortUsageResult(o), r => r.Outcome);

    public Task<PortReservationResult> GetReservation(string requestId) =>
        Guard("get_reservation", () => GetReservationAsync(requestId), o => new PortReservationResult(o), r => r.Outcome);

    public Task<PortUsageViewResult> GetUsage(string? feature) =>
        Guard("get_usage", () => GetUsageAsync(feature), o => new PortUsageViewResult(o), r => r.Outcome);

    public Task<PortViewResult> GetPort() =>
        Guard("get_account", GetPortAsync, o => new PortViewResult(o), r => r.Outcome);

    public Task<PortBreakdownResult> GetBreakdown() =>
        Guard("get_breakdown", GetBreakdownAsync, o => new PortBreakdownResult(o, []), r => r.Outcome);

    private static PortUsageBook Book(Ledger<PortAccount, PortHoldDetail, PortUsageBook> ledger, DateTimeOffset now)
    {
        var book = ledger.Side;
        book.Prune(PortLedgerKind.OldestKeptDay(now));
        return book;
    }

    /// <summary>
    /// True when <paramref name="feature"/> may be used: it has usage in the kept window or an
    /// open hold, or the features of both together are fewer than <see cref="Limits.MaxFeaturesPerPort"/>.
    /// Open holds count, so no sequence of reserves and commits can pass the bound.
    /// </summary>
    private static bool FeatureAdmitted(Ledger<PortAccount, PortHoldDetail, PortUsageBook> ledger, PortUsageBook book, string feature) =>
        book.Knows(feature) || ledger.OpenTags.Contains(feature)
        || book.Features + ledger.OpenTags.Count(tag => !book.Knows(tag)) < Limits.MaxFeaturesPerPort;

    private static DateOnly PeriodStart(PortAccount account, DateTimeOffset now) => UtcCalendar.PeriodStart(account.Budget.Period, now);

    private async Task<PortBudgetResult> GetBudgetAsync()
    {
        if (InvalidKey(KeyField) is { } errors)
        {
            return new PortBudgetResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        var budget = ledger.Account.Budget;
        await ledger.WhenDurable();
        return new PortBudgetResult(Outcome.Ok, budget);
    }

    private async Task<PortBudgetResult> SetBudgetAsync(PortBudgetPatch patch, string changedBy)
    {
        var errors = InvalidKey(KeyField) ?? new ValidationErrors();
        errors.RequireText("changedBy", changedBy, Limits.MaxLabelLength, required: true);
        if (!errors.IsEmpty)
        {
            return new PortBudgetResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();

        // The synchronous step.
        var now = Now();
        var (merged, invalid) = patch.ApplyTo(ledger.Account.Budget);
        if (invalid is not null)
        {
            // Decided on the budget as staged (a soft cap above a hard cap staged by an earlier
            // change): answer once that is durable, like every refusal.
            await ledger.WhenDurable();
            return new PortBudgetResult(Outcome.InvalidRequest, Errors: invalid);
        }

        if (!ledger.CanStage)
        {
            return new PortBudgetResult(Outcome.Unavailable);
        }

        var budget = merged! with { UpdatedAt = now, UpdatedBy = changedBy };
        var account = ledger.Account with { Budget = budget, BudgetChanges = ledger.Account.BudgetChanges + 1 };
        await ledger.Stage(account, null, null, now, new PortBudgetChange(account.BudgetChanges, budget, changedBy, now));
        return new PortBudgetResult(Outcome.Ok, budget);
    }

    private async Task<PortReserveResult> ReserveAsync(PortReserveRequest request)
    {
        var (outcome, reservation, refusal, errors) = await ReserveCoreAsync<PortReservation, PortRefusal>(
            KeyField, request.RequestId, request.Validate(), RequestHash.Of(request.EstimatedTokens, request.Feature, request.TtlSeconds),
            (ledger, now) =>
            {
                var book = Book(ledger, now);
                if (!FeatureAdmitted(ledger, book, request.Feature))
                {
                    return ReservePlan<PortAccount, PortHoldDetail, PortReservation, PortRefusal>.Refuse(Outcome.TooManyFeatures);
                }

                var account = ledger.Account;
                long used = book.Used(PeriodStart(account, now));
                var decided = PortRules.Decide(account.Budget, used, ledger.Reserved, request.EstimatedTokens);
                if (decided != Outcome.Created)
                {
                    return ReservePlan<PortAccount, PortHoldDetail, PortReservation, PortRefusal>.Refuse(decided, new PortRefusal(used, account.Budget.HardCapTokens));
                }

                var expiresAt = now.AddSeconds(request.TtlSeconds);
                var reservation = new PortReservation(
                    request.RequestId, ReservationState.Reserved, used,
                    PortRules.Remaining(account.Budget, used, ledger.Reserved + request.EstimatedTokens),
                    PortRules.SoftCapReached(account.Budget, used), expiresAt);
                var hold = new Hold<PortHoldDetail>(
                    request.RequestId, ReservationState.Reserved, request.EstimatedTokens, request.Feature, now, expiresAt, new PortHoldDetail(request.Feature));
                return ReservePlan<PortAccount, PortHoldDetail, PortReservation, PortRefusal>.Accept(account with { LastActiveAt = now }, hold, reservation);
            });
        return new PortReserveResult(outcome, reservation, refusal, errors);
    }

    private async Task<PortCommitResult> CommitAsync(PortCommitRequest request)
    {
        string FeatureOf(Hold<PortHoldDetail> hold) => request.Feature ?? hold.Detail.Feature;
        var (outcome, receipt, errors) = await CommitCoreAsync<PortCallReceipt>(
            KeyField, request.RequestId, request.Validate(),
            hold => RequestHash.Of(request.InputTokens, request.OutputTokens, request.Provider, request.Model, FeatureOf(hold), request.UserId),
            (ledger, hold, late, now) =>
            {
                // The hold's own feature was admitted at reserve (and counted since); naming
                // another feature is admitted like a reserve's. Past the bound the relay can
                // commit again under the reservation's feature.
                var book = Book(ledger, now);
                if (FeatureOf(hold) != hold.Detail.Feature && !FeatureAdmitted(ledger, book, FeatureOf(hold)))
                {
                    return CommitPlan<PortAccount, PortHoldDetail, PortCallReceipt>.Refuse(Outcome.TooManyFeatures);
                }

                if (!PortRules.UsageFits(book, request.InputTokens + request.OutputTokens))
                {
                    return CommitPlan<PortAccount, PortHoldDetail, PortCallReceipt>.Refuse(PortRules.UsageTooLarge());
                }

                var call = new CallToRecord(request.RequestId, FeatureOf(hold), request.InputTokens, request.OutputTokens, request.Provider, request.Model, request.UserId);
                var receipt = RecordCall(ledger, book, call, ledger.ReservedWithout(hold), ReservationState.Committed, late, now, out var increment);
                return CommitPlan<PortAccount, PortHoldDetail, PortCallReceipt>.Apply(
                    ledger.Account with { LastActiveAt = now }, receipt, receipt.Tokens, sideRow: increment,
                    afterStage: () => book.Add(increment.Day, increment.Feature, increment.Tokens, increment.Calls));
            });
        return new PortCommitResult(outcome, receipt, errors);
    }

    private async Task<PortUsageResult> RecordUsageAsync(PortUsageRequest request)
    {
        var errors = InvalidKey(KeyField) ?? request.Validate();
        if (errors is not null)
        {
            return new PortUsageResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        await RecallKeyAsync(ledger, request.RequestId, Operations.Usage);

        // The synchronous step.
        var now = Now();
        var hash = RequestHash.Of(request.InputTokens, request.OutputTokens, request.Provider, request.Model, request.Feature, request.UserId);
        if (ledger.KnownJournal(request.RequestId, Operations.Usage) is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<PortCallReceipt>(earlier, hash);
            return new PortUsageResult(replayed, first);
        }

        ledger.Sweep(now);
        var book = Book(ledger, now);
        if (!FeatureAdmitted(ledger, book, request.Feature))
        {
            await ledger.WhenDurable();
            return new PortUsageResult(Outcome.TooManyFeatures);
        }

        if (!PortRules.UsageFits(book, request.InputTokens + request.OutputTokens))
        {
            await ledger.WhenDurable();
            return new PortUsageResult(Outcome.InvalidRequest, Errors: PortRules.UsageTooLarge());
        }

        if (!ledger.CanStage)
        {
            return new PortUsageResult(Outcome.Unavailable);
        }

        var call = new CallToRecord(request.RequestId, request.Feature, request.InputTokens, request.OutputTokens, request.Provider, request.Model, request.UserId);
        var receipt = RecordCall(ledger, book, call, ledger.Reserved, state: null, late: false, now, out var increment);
        var journal = new JournalEntry(request.RequestId, Operations.Usage, hash, LedgerJson.Serialize(receipt), now);
        var durable = ledger.Stage(ledger.Account with { LastActiveAt = now }, journal, null, now, increment);
        book.Add(increment.Day, increment.Feature, increment.Tokens, increment.Calls);
        await durable;
        return new PortUsageResult(Outcome.Created, receipt);
    }

    /// <summary>The receipt of a call about to be recorded, and the usage increment that records it.</summary>
    private static PortCallReceipt RecordCall(
        Ledger<PortAccount, PortHoldDetail, PortUsageBook> ledger, PortUsageBook book, CallToRecord call, long heldAfter,
        ReservationState? state, bool late, DateTimeOffset now, out PortUsageIncrement increment)
    {
        long tokens = call.InputTokens + call.OutputTokens;
        var budget = ledger.Account.Budget;
        long usedAfter = book.Used(UtcCalendar.PeriodStart(budget.Period, now)) + tokens;
        increment = new PortUsageIncrement(UtcCalendar.Day(now), call.Feature, tokens, 1);
        return new PortCallReceipt(
            call.RequestId, state, call.Feature, call.InputTokens, call.OutputTokens, tokens, call.Provider, call.Model, call.UserId,
            usedAfter, PortRules.Remaining(budget, usedAfter, heldAfter), PortRules.SoftCapReached(budget, usedAfter), late, now);
    }

    private async Task<PortReleaseResult> ReleaseAsync(string requestId)
    {
        var (outcome, receipt, errors) = await ReleaseCoreAsync<PortReleaseReceipt>(KeyField, requestId, ReleaseHash, (ledger, hold, state, now) =>
        {
            long used = Book(ledger, now).Used(PeriodStart(ledger.Account, now));
            var remaining = PortRules.Remaining(ledger.Account.Budget, used, ledger.ReservedWithout(hold));
            return (ledger.Account with { LastActiveAt = now }, new PortReleaseReceipt(requestId, state, hold.Amount, used, remaining));
        });
        return new PortReleaseResult(outcome, receipt, errors);
    }

    private async Task<PortReservationResult> GetReservationAsync(string requestId)
    {
        var (outcome, view, errors) = await GetReservationCoreAsync(KeyField, requestId, (hold, now) =>
        {
            bool committed = hold.State == ReservationState.Committed;
            return new PortReservationView(
                hold.RequestId, hold.StateAt(now), hold.Detail.Feature, hold.Amount, hold.CreatedAt, hold.ExpiresAt,
                committed ? hold.CommittedAmount : null, committed ? hold.Late : null);
        });
        return new PortReservationResult(outcome, view, errors);
    }

    private async Task<PortUsageViewResult> GetUsageAsync(string? feature)
    {
        var errors = InvalidKey(KeyField) ?? new ValidationErrors();
        errors.RequireText("feature", feature, Limits.MaxLabelLength, required: false);
        if (!errors.IsEmpty)
        {
            return new PortUsageViewResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        var now = Now();
        ledger.Sweep(now);
        var book = Book(ledger, now);
        var start = PeriodStart(ledger.Account, now);
        var view = feature is null
            ? new PortUsageView(UtcCalendar.StartOf(start), book.Used(start), ledger.Reserved)
            : new PortUsageView(UtcCalendar.StartOf(start), book.UsedFor(start, feature), ledger.ReservedFor(feature));
        await ledger.WhenDurable();
        return new PortUsageViewResult(Outcome.Ok, view);
    }

    private async Task<PortViewResult> GetPortAsync()
    {
        if (InvalidKey(KeyField) is { } errors)
        {
            return new PortViewResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        var now = Now();
        ledger.Sweep(now);
        var budget = ledger.Account.Budget;
        var start = PeriodStart(ledger.Account, now);
        long used = Book(ledger, now).Used(start);
        var view = new PortView(
            AccountId, budget, UtcCalendar.StartOf(start), used, ledger.Reserved,
            PortRules.Remaining(budget, used, ledger.Reserved), PortRules.SoftCapReached(budget, used));
        await ledger.WhenDurable();
        return new PortViewResult(Outcome.Ok, view);
    }

    private async Task<PortBreakdownResult> GetBreakdownAsync()
    {
        if (InvalidKey(KeyField) is { } errors)
        {
            return new PortBreakdownResult(Outcome.InvalidRequest, [], errors);
        }

        var ledger = await LedgerAsync();
        var now = Now();
        var items = Book(ledger, now).Breakdown(PeriodStart(ledger.Account, now));
        await ledger.WhenDurable();
        return new PortBreakdownResult(Outcome.Ok, items);
    }

    /// <summary>The members of a commit or usage record that the receipt repeats.</summary>
    private sealed record CallToRecord(string RequestId, string Feature, long InputTokens, long OutputTokens, string Provider, string Model, string? UserId);
}
