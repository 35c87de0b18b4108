using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Admin;
using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Metering.Grains.Installs;

/// <summary>
/// The credit ledger of one install. Every method reads what it needs first (tier quotas, holds
/// or journal entries memory has forgotten), then decides in one synchronous step.
/// </summary>
[Reentrant]
[GrainType("install")]
internal sealed class InstallGrain(
    LedgerStore store, LedgerClock clock, AccountMemory memory, TierQuotasCache quotaCache, NearLimitBoard board, ILogger<InstallGrain> logger)
    : LedgerGrain<InstallAccount, InstallHoldDetail, NoSideState>(store, clock, memory, board, logger), IInstallGrain
{
    // Release has no body: any repeat is a replay.
    private static readonly byte[] ReleaseHash = RequestHash.Of(Operations.Release);

    protected override LedgerKind<InstallAccount, InstallHoldDetail, NoSideState> Kind => InstallLedgerKind.Instance;

    /// <summary>
    /// The credits on the tier's basis against its quota, with the quotas this silo last read (none
    /// read yet: not known, so not listed); an unlimited tier has no limit.
    /// </summary>
    protected override NearLimit? Fill(Ledger<InstallAccount, InstallHoldDetail, NoSideState> ledger, DateTimeOffset now)
    {
        var account = InstallRules.InMonth(ledger.Account, UtcCalendar.MonthKey(now));
        if (quotaCache.Known?.For(account.Tier) is not { Limit: { } limit } quota)
        {
            return null;
        }

        return quota.Basis == QuotaBasis.Lifetime
            ? NearLimit.Of(AccountKinds.Install, AccountId, account.LifetimeConsumed, limit, NearLimit.Credits, now, resetsAt: null)
            : NearLimit.Of(AccountKinds.Install, AccountId, account.MonthlyConsumed, limit, NearLimit.Credits, now,
                UtcCalendar.PeriodEnd(GrainInterfaces.Ports.BudgetPeriod.Month, now));
    }

    public Task<InstallReserveResult> Reserve(InstallReserveRequest request) =>
        Guard(Operations.Reserve, () => ReserveAsync(request), outcome => new InstallReserveResult(outcome), r => r.Outcome);

    public Task<InstallCommitResult> Commit(InstallCommitRequest request) =>
        Guard(Operations.Commit, () => CommitAsync(request), outcome => new InstallCommitResult(outcome), r => r.Outcome);

    public Task<InstallReleaseResult> Release(string requestId) =>
        Guard(Operations.Release, () => ReleaseAsync(requestId), outcome => new InstallReleaseResult(outcome), r => r.Outcome);

    public Task<InstallReservationResult> GetReservation(string requestId) =>
        Guard("get_reservation", () => GetReservationAsync(requestId), outcome => new InstallReservationResult(outcome), r => r.Outcome);

    public Task<InstallAccountResult> GetAccount() =>
        Guard("get_account", GetAccountAsync, outcome => new InstallAccountResult(outcome), r => r.Outcome);

    private async Task<InstallReserveResult> ReserveAsync(InstallReserveRequest request)
    {
        // Invalid input is answered before the quotas are read: nothing else may fail it.
        if ((InvalidKey("installId") ?? request.Validate()) is { } invalid)
        {
            return new InstallReserveResult(Outcome.InvalidRequest, Errors: invalid);
        }

        var quotas = await Quotas();
        var (outcome, reservation, refusal, errors) = await ReserveCoreAsync<InstallReservation, Shortfall>(
            "installId", request.RequestId, null, RequestHash.Of(request.Tier, request.HasHardware, request.Credits, request.TtlSeconds),
            (ledger, now) =>
            {
                var quota = quotas.For(request.Tier);
                var account = InstallRules.InMonth(ledger.Account, UtcCalendar.MonthKey(now)) with { Tier = request.Tier };
                var balance = InstallRules.Balance(account, quota, ledger.Reserved, ledger.ReservedFor(InstallRules.TagOf(Backend.Gemini)));
                var (decided, backend) = InstallRules.Decide(balance, request.Credits, request.HasHardware);
                if (decided != Outcome.Created)
                {
                    return ReservePlan<InstallAccount, InstallHoldDetail, InstallReservation, Shortfall>.Refuse(decided, new Shortfall(balance.Remaining, balance.GeminiRemaining));
                }

                var after = InstallRules.AfterHold(balance, request.Credits, backend);
                var expiresAt = now.AddSeconds(request.TtlSeconds);
                var reservation = new InstallReservation(
                    request.RequestId, ReservationState.Reserved, backend, request.Credits,
                    after.Remaining, after.GeminiRemaining, quota.Basis, expiresAt);
                var hold = new Hold<InstallHoldDetail>(
                    request.RequestId, ReservationState.Reserved, request.Credits, InstallRules.TagOf(backend), now, expiresAt,
                    new InstallHoldDetail(request.Tier, request.HasHardware, backend));
                return ReservePlan<InstallAccount, InstallHoldDetail, InstallReservation, Shortfall>.Accept(account with { LastActiveAt = now }, hold, reservation);
            });
        return new InstallReserveResult(outcome, reservation, refusal?.Remaining, refusal?.GeminiRemaining, errors);
    }

    private async Task<InstallCommitResult> CommitAsync(InstallCommitRequest request)
    {
        var quotas = await Quotas();
        var (outcome, receipt, errors) = await CommitCoreAsync<InstallCommitReceipt>(
            "installId", request.RequestId, request.Validate(),
            hold => RequestHash.Of(request.Backend ?? hold.Detail.Backend, request.Credits ?? hold.Amount),
            (ledger, hold, late, now) =>
            {
                var backend = request.Backend ?? hold.Detail.Backend;
                long credits = request.Credits ?? hold.Amount;
                var account = InstallRules.InMonth(ledger.Account, UtcCalendar.MonthKey(now));
                if (!InstallRules.ConsumeFits(account, credits))
                {
                    var tooMuch = new ValidationErrors();
                    tooMuch.Add("credits", $"would take the install's counters past {InstallRules.MaxCounter}");
                    return CommitPlan<InstallAccount, InstallHoldDetail, InstallCommitReceipt>.Refuse(tooMuch);
                }

                // Charged to the counters of the tier the hold was reserved under (a core hold
                // committed after a pro reserve still counts against the lifetime credits); the
                // balance answered is the account's, under its current tier.
                account = InstallRules.Consume(account, quotas.For(hold.Detail.Tier), backend, credits) with { LastActiveAt = now };

                // The balance as it will be once this hold stops counting.
                var balance = InstallRules.Balance(
                    account, quotas.For(account.Tier), ledger.ReservedWithout(hold), ledger.ReservedWithout(hold, InstallRules.TagOf(Backend.Gemini)));
                var receipt = new InstallCommitReceipt(
                    request.RequestId, ReservationState.Committed, backend, credits, balance.Remaining, balance.GeminiRemaining, late);
                return CommitPlan<InstallAccount, InstallHoldDetail, InstallCommitReceipt>.Apply(
                    account, receipt, credits, hold.Detail with { CommittedBackend = backend });
            });
        return new InstallCommitResult(outcome, receipt, errors);
    }

    private async Task<InstallReleaseResult> ReleaseAsync(string requestId)
    {
        var quotas = await Quotas();
        var (outcome, receipt, errors) = await ReleaseCoreAsync<InstallReleaseReceipt>("installId", requestId, ReleaseHash, (ledger, hold, state, now) =>
        {
            var account = InstallRules.InMonth(ledger.Account, UtcCalendar.MonthKey(now)) with { LastActiveAt = now };
            var balance = InstallRules.Balance(
                account, quotas.For(account.Tier), ledger.ReservedWithout(hold), ledger.ReservedWithout(hold, InstallRules.TagOf(Backend.Gemini)));
            return (account, new InstallReleaseReceipt(requestId, state, hold.Detail.Backend, hold.Amount, balance.Remaining, balance.GeminiRemaining));
        });
        return new InstallReleaseResult(outcome, receipt, errors);
    }

    private async Task<InstallReservationResult> GetReservationAsync(string requestId)
    {
        var (outcome, view, errors) = await GetReservationCoreAsync("installId", requestId, ViewOf);
        return new InstallReservationResult(outcome, view, errors);
    }

    private async Task<InstallAccountResult> GetAccountAsync()
    {
        var errors = InvalidKey("installId");
        if (errors is not null)
        {
            return new InstallAccountResult(Outcome.InvalidRequest, Errors: errors);
        }

        var quotas = await Quotas();
        var ledger = await LedgerAsync();
        var now = Now();
        ledger.Sweep(now);
        var account = InstallRules.InMonth(ledger.Account, UtcCalendar.MonthKey(now));
        var quota = quotas.For(account.Tier);
        var balance = InstallRules.Balance(account, quota, ledger.Reserved, ledger.ReservedFor(InstallRules.TagOf(Backend.Gemini)));
        var view = InstallViews.Account(AccountId, account, ledger.Reserved, balance, quota.Basis);
        await ledger.WhenDurable();
        return new InstallAccountResult(Outcome.Ok, view);
    }

    private static InstallReservationView ViewOf(Hold<InstallHoldDetail> hold, DateTimeOffset now)
    {
        bool committed = hold.State == ReservationState.Committed;
        var state = hold.StateAt(now);
        return new InstallReservationView(
            hold.RequestId, state, hold.Detail.Tier, hold.Detail.Backend, hold.Amount, hold.CreatedAt, hold.ExpiresAt,
            committed ? hold.CommittedAmount : null, committed ? hold.Detail.CommittedBackend : null, committed ? hold.Late : null);
    }

    /// <summary>The tier quotas from this silo's cache: no call to the tier-quotas grain per request.</summary>
    private Task<TierQuotas> Quotas() => quotaCache.GetAsync();

    /// <summary>What a refused reserve tells the relay: the balances it did not fit in.</summary>
    private sealed record Shortfall(long? Remaining, long? GeminiRemaining);
}
