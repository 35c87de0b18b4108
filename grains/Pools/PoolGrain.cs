using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.Grains.Admin;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Metering.Grains.Pools;

/// <summary>
/// The premium credit pool of one user. Reads what it needs first (journal entries and holds
/// memory has forgotten), then decides in one synchronous step; audit records are staged with
/// their debit and written by the same flush.
/// </summary>
[Reentrant]
[GrainType("pool")]
internal sealed class PoolGrain(LedgerStore store, LedgerClock clock, AccountMemory memory, NearLimitBoard board, ILogger<PoolGrain> logger)
    : LedgerGrain<PoolAccount, PoolHoldDetail, NoSideState>(store, clock, memory, board, logger), IPoolGrain
{
    private const string Tag = "pool";
    private const string KeyField = "poolId";
    private static readonly byte[] ReleaseHash = RequestHash.Of(Operations.Release);

    protected override LedgerKind<PoolAccount, PoolHoldDetail, NoSideState> Kind => PoolLedgerKind.Instance;

    protected override NearLimit? Fill(Ledger<PoolAccount, PoolHoldDetail, NoSideState> ledger, DateTimeOffset now) =>
        NearLimit.Of(AccountKinds.Pool, AccountId, ledger.Account.UsedMicros, ledger.Account.LimitMicros, NearLimit.Micros, now, resetsAt: null);

    public Task<PoolAccountResult> SetLimit(long limitMicros) =>
        Guard(Operations.SetLimit, () => SetLimitAsync(limitMicros), o => new PoolAccountResult(o), r => r.Outcome);

    public Task<PoolGrantResult> Grant(PoolGrantRequest request) =>
        Guard(Operations.Grant, () => GrantAsync(request), o => new PoolGrantResult(o), r => r.Outcome);

    public Task<PoolReserveResult> Reserve(PoolReserveRequest request) =>
        Guard(Operations.Reserve, () => ReserveAsync(request), o => new PoolReserveResult(o), r => r.Outcome);

    public Task<PoolCommitResult> Commit(PoolCommitRequest request) =>
        Guard(Operations.Commit, () => CommitAsync(request), o => new PoolCommitResult(o), r => r.Outcome);

    public Task<PoolReleaseResult> Release(string requestId) =>
        Guard(Operations.Release, () => ReleaseAsync(requestId), o => new PoolReleaseResult(o), r => r.Outcome);

    public Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request) =>
        Guard(Operations.Usage, () => FreeUsageAsync(request), o => new PoolUsageResult(o), r => r.Outcome);

    public Task<PoolReservationResult> GetReservation(string requestId) =>
        Guard("get_reservation", () => GetReservationAsync(requestId), o => new PoolReservationResult(o), r => r.Outcome);

    public Task<PoolAccountResult> GetPool() =>
        Guard("get_account", GetPoolAsync, o => new PoolAccountResult(o), r => r.Outcome);

    public Task<PoolUsagePage> ListUsage(PoolUsageQuery query) =>
        Guard("list_usage", () => ListUsageAsync(query), o => new PoolUsagePage(o, [], null), r => r.Outcome);

    private async Task<PoolAccountResult> SetLimitAsync(long limitMicros)
    {
        var errors = InvalidKey(KeyField) ?? AmountErrors("limitMicros", limitMicros);
        if (errors is not null)
        {
            return new PoolAccountResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        var now = Now();
        ledger.Sweep(now);
        if (!ledger.CanStage)
        {
            return new PoolAccountResult(Outcome.Unavailable);
        }

        var account = ledger.Account with { LimitMicros = limitMicros };
        var view = ViewOf(account, ledger.Reserved);
        await ledger.Stage(account, null, null, now);
        return new PoolAccountResult(Outcome.Ok, view);
    }

    private async Task<PoolGrantResult> GrantAsync(PoolGrantRequest request)
    {
        var errors = InvalidKey(KeyField) ?? request.Validate();
        if (errors is not null)
        {
            return new PoolGrantResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        await RecallKeyAsync(ledger, request.GrantId, Operations.Grant);

        // The synchronous step.
        var now = Now();
        ledger.Sweep(now);
        var hash = RequestHash.Of(request.Micros, request.Note);
        if (ledger.KnownJournal(request.GrantId, Operations.Grant) is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<PoolGrantReceipt>(earlier, hash);
            return new PoolGrantResult(replayed, first);
        }

        if (!PoolRules.GrantFits(ledger.Account, request.Micros))
        {
            var tooMuch = new ValidationErrors();
            tooMuch.Add("micros", $"would raise the limit past {PoolRules.MaxLimitMicros}");
            await ledger.WhenDurable();
            return new PoolGrantResult(Outcome.InvalidRequest, Errors: tooMuch);
        }

        if (!ledger.CanStage)
        {
            return new PoolGrantResult(Outcome.Unavailable);
        }

        var account = ledger.Account with { LimitMicros = ledger.Account.LimitMicros + request.Micros };
        var receipt = new PoolGrantReceipt(
            AccountId, request.GrantId, request.Micros, request.Note, account.LimitMicros, account.UsedMicros,
            ledger.Reserved, PoolRules.Remaining(account, ledger.Reserved), now);
        var journal = new JournalEntry(request.GrantId, Operations.Grant, hash, LedgerJson.Serialize(receipt), now);
        await ledger.Stage(account, journal, null, now);
        return new PoolGrantResult(Outcome.Created, receipt);
    }

    private async Task<PoolReserveResult> ReserveAsync(PoolReserveRequest request)
    {
        var (outcome, reservation, refusal, errors) = await ReserveCoreAsync<PoolReservation, PoolRefusal>(
            KeyField, request.RequestId, request.Validate(), RequestHash.Of(request.ReserveMicros, request.UsageType, request.TtlSeconds),
            (ledger, now) =>
            {
                var account = ledger.Account;
                if (!PoolRules.Fits(account, ledger.Reserved, request.ReserveMicros))
                {
                    return ReservePlan<PoolAccount, PoolHoldDetail, PoolReservation, PoolRefusal>.Refuse(
                        Outcome.QuotaInsufficient,
                        new PoolRefusal(request.UsageType, account.UsedMicros, account.LimitMicros, PoolRules.Remaining(account, ledger.Reserved)));
                }

                var expiresAt = now.AddSeconds(request.TtlSeconds);
                var reservation = new PoolReservation(
                    request.RequestId, ReservationState.Reserved, request.ReserveMicros, account.UsedMicros, account.LimitMicros,
                    PoolRules.Remaining(account, ledger.Reserved + request.ReserveMicros), expiresAt);
                var hold = new Hold<PoolHoldDetail>(
                    request.RequestId, ReservationState.Reserved, request.ReserveMicros, Tag, now, expiresAt, new PoolHoldDetail(request.UsageType));
                return ReservePlan<PoolAccount, PoolHoldDetail, PoolReservation, PoolRefusal>.Accept(account with { LastActiveAt = now }, hold, reservation);
            });
        return new PoolReserveResult(outcome, reservation, refusal, errors);
    }

    private async Task<PoolCommitResult> CommitAsync(PoolCommitRequest request)
    {
        string UsageTypeOf(Hold<PoolHoldDetail> hold) => request.UsageType ?? hold.Detail.UsageType;
        var (outcome, receipt, errors) = await CommitCoreAsync<PoolCommitReceipt>(
            KeyField, request.RequestId, request.Validate(),
            hold => RequestHash.Of(request.ActualMicros, request.PromptTokens, request.CompletionTokens, request.Model, UsageTypeOf(hold), CanonicalJson.Of(request.CallDetails)),
            (ledger, hold, late, now) =>
            {
                if (!PoolRules.DebitFits(ledger.Account, request.ActualMicros))
                {
                    var tooMuch = new ValidationErrors();
                    tooMuch.Add("actualMicros", $"would take the pool's use past {PoolRules.MaxLimitMicros}");
                    return CommitPlan<PoolAccount, PoolHoldDetail, PoolCommitReceipt>.Refuse(tooMuch);
                }

                var account = ledger.Account with
                {
                    UsedMicros = ledger.Account.UsedMicros + request.ActualMicros,
                    AuditSequence = ledger.Account.AuditSequence + 1,
                    LastActiveAt = now,
                };
                var record = new PoolUsageRecord(
                    request.RequestId, UsageTypeOf(hold), request.PromptTokens, request.CompletionTokens,
                    request.PromptTokens + request.CompletionTokens, request.ActualMicros, request.Model, request.CallDetails,
                    Billed: true, now, account.AuditSequence);
                var receipt = new PoolCommitReceipt(
                    request.RequestId, ReservationState.Committed, request.ActualMicros, account.UsedMicros, account.LimitMicros,
                    PoolRules.Remaining(account, ledger.ReservedWithout(hold)), late);
                return CommitPlan<PoolAccount, PoolHoldDetail, PoolCommitReceipt>.Apply(account, receipt, request.ActualMicros, sideRow: new PoolAuditRow(record));
            });
        return new PoolCommitResult(outcome, receipt, errors);
    }

    private async Task<PoolReleaseResult> ReleaseAsync(string requestId)
    {
        var (outcome, receipt, errors) = await ReleaseCoreAsync<PoolReleaseReceipt>(KeyField, requestId, ReleaseHash, (ledger, hold, state, now) =>
        {
            var account = ledger.Account with { LastActiveAt = now };
            return (account, new PoolReleaseReceipt(
                requestId, state, hold.Amount, account.UsedMicros, account.LimitMicros, PoolRules.Remaining(account, ledger.ReservedWithout(hold))));
        });
        return new PoolReleaseResult(outcome, receipt, errors);
    }

    private async Task<PoolUsageResult> FreeUsageAsync(PoolFreeUsageRequest request)
    {
        var errors = InvalidKey(KeyField) ?? request.Validate();
        if (errors is not null)
        {
            return new PoolUsageResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        await RecallKeyAsync(ledger, request.RequestId, Operations.Usage);

        // The synchronous step.
        var now = Now();
        var hash = RequestHash.Of(request.UsageType, request.CostMicros, request.PromptTokens, request.CompletionTokens, request.Model, CanonicalJson.Of(request.CallDetails));
        if (ledger.KnownJournal(request.RequestId, Operations.Usage) is { } earlier)
        {
            var (replayed, first) = await Replies.ReplayAsync<PoolUsageRecord>(earlier, hash);
            return new PoolUsageResult(replayed, first);
        }

        if (!ledger.CanStage)
        {
            return new PoolUsageResult(Outcome.Unavailable);
        }

        var account = ledger.Account with { AuditSequence = ledger.Account.AuditSequence + 1, LastActiveAt = now };
        var record = new PoolUsageRecord(
            request.RequestId, request.UsageType, request.PromptTokens, request.CompletionTokens,
            request.PromptTokens + request.CompletionTokens, request.CostMicros, request.Model, request.CallDetails,
            Billed: false, now, account.AuditSequence);
        var journal = new JournalEntry(request.RequestId, Operations.Usage, hash, LedgerJson.Serialize(record), now);
        await ledger.Stage(account, journal, null, now, new PoolAuditRow(record));
        return new PoolUsageResult(Outcome.Created, record);
    }

    private async Task<PoolReservationResult> GetReservationAsync(string requestId)
    {
        var (outcome, view, errors) = await GetReservationCoreAsync(KeyField, requestId, (hold, now) =>
        {
            bool committed = hold.State == ReservationState.Committed;
            return new PoolReservationView(
                hold.RequestId, hold.StateAt(now), hold.Detail.UsageType, hold.Amount, hold.CreatedAt, hold.ExpiresAt,
                committed ? hold.CommittedAmount : null, committed ? hold.Late : null);
        });
        return new PoolReservationResult(outcome, view, errors);
    }

    private async Task<PoolAccountResult> GetPoolAsync()
    {
        var errors = InvalidKey(KeyField);
        if (errors is not null)
        {
            return new PoolAccountResult(Outcome.InvalidRequest, Errors: errors);
        }

        var ledger = await LedgerAsync();
        ledger.Sweep(Now());
        var view = ViewOf(ledger.Account, ledger.Reserved);
        await ledger.WhenDurable();
        return new PoolAccountResult(Outcome.Ok, view);
    }

    private async Task<PoolUsagePage> ListUsageAsync(PoolUsageQuery query)
    {
        var errors = InvalidKey(KeyField) ?? new ValidationErrors();
        if (query.Limit is < 1 or > Limits.MaxPageSize)
        {
            errors.Add("limit", $"must be an integer from 1 to {Limits.MaxPageSize}");
        }

        if (query.After is < 0)
        {
            errors.Add("after", "must be the cursor of a previous page");
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            errors.Add("to", "must not be before from");
        }

        if (!errors.IsEmpty)
        {
            return new PoolUsagePage(Outcome.InvalidRequest, [], null, errors);
        }

        var (items, more) = await new PoolAuditStore(Store).PageAsync(AccountId, query);
        return new PoolUsagePage(Outcome.Ok, items, more ? items[^1].Sequence : null);
    }

    private PoolView ViewOf(PoolAccount account, long reserved) =>
        new(AccountId, account.UsedMicros, reserved, account.LimitMicros, PoolRules.Remaining(account, reserved));

    private static ValidationErrors? AmountErrors(string field, long value)
    {
        var errors = new ValidationErrors();
        errors.RequireAmount(field, value);
        return errors.OrNull();
    }
}
