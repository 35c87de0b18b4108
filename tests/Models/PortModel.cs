using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.Tests.Models;

/// <summary>
/// A simple model of one port, written from the API contract (docs: "Ports" and "The reservation
/// lifecycle"): each operation returns the answer the grain must give and changes the model as
/// the grain must. The test works on a <see cref="Clone"/> and keeps it only when the grain
/// acknowledged the operation (an Unavailable answer changes nothing).
/// </summary>
/// <remarks>
/// The rules, as the model reads them:
/// <list type="bullet">
/// <item>Committed tokens (input plus output) are kept per UTC day and feature; the period's use is
/// summed from the period's first day (today, this Monday, the 1st) when read, so a change of
/// period applies to use already recorded.</item>
/// <item>A reserve, with the budget enabled: <c>hard-cap-exceeded</c> when nothing is left under the
/// hard cap after use and open holds, <c>estimated-exceeds-cap</c> when the estimate is more than
/// what is left, else the hold. Disabled: always the hold, <c>remaining</c> null. The soft-cap
/// warning is use at or past the soft cap (with the budget enabled).</item>
/// <item>A commit records its tokens under its feature (default: the reservation's) on the day it
/// arrives, late or not; a usage record does the same without a reservation.</item>
/// <item>Keys: reserves, commits and usage records replay their first answer for the same body
/// (a commit's feature compared after its default) and conflict for another; a release has no
/// body. A budget change is no keyed operation: each valid one applies; one with a cap out of 0
/// to 10^15, or a soft cap above the hard cap once merged, is refused and changes nothing.</item>
/// </list>
/// </remarks>
internal sealed class PortModel(string portId) : IAccountModel<PortModel>
{
    private PortBudget _budget = PortBudget.Default;
    private Dictionary<(DateOnly Day, string Feature), (long Tokens, long Calls)> _cells = [];
    private Dictionary<string, PortModelHold> _holds = new(StringComparer.Ordinal);
    private Dictionary<string, (PortUsageRequest Request, PortCallReceipt Answer)> _usage = new(StringComparer.Ordinal);

    /// <summary>True once a write was acknowledged, so the account has a row in PostgreSQL.</summary>
    public bool Stored { get; private set; }

    public PortBudget Budget => _budget;

    /// <summary>The reservation a key names, if one was created.</summary>
    public PortModelHold? Hold(string requestId) => _holds.GetValueOrDefault(requestId);

    /// <summary>When the open holds expire, for clock moves onto those instants.</summary>
    public IReadOnlyList<DateTimeOffset> OpenExpiries(DateTimeOffset now) =>
        [.. _holds.Values.Where(h => h.CountsAt(now)).Select(h => h.ExpiresAt).Order()];

    public PortModel Clone()
    {
        var copy = (PortModel)MemberwiseClone();
        copy._cells = new(_cells);
        copy._holds = new(_holds, StringComparer.Ordinal);
        copy._usage = new(_usage, StringComparer.Ordinal);
        return copy;
    }

    public PortBudgetResult SetBudget(PortBudgetPatch patch, string changedBy, DateTimeOffset now)
    {
        var merged = _budget with
        {
            Enabled = patch.Enabled ?? _budget.Enabled,
            SoftCapTokens = patch.SoftCapTokens ?? _budget.SoftCapTokens,
            HardCapTokens = patch.HardCapTokens ?? _budget.HardCapTokens,
            Period = patch.Period ?? _budget.Period,
        };
        bool inRange = merged.SoftCapTokens is >= 0 and <= Limits.MaxAmount && merged.HardCapTokens is >= 0 and <= Limits.MaxAmount;
        if (!inRange || merged.SoftCapTokens > merged.HardCapTokens)
        {
            return new PortBudgetResult(Outcome.InvalidRequest);
        }

        _budget = merged with { UpdatedAt = now, UpdatedBy = changedBy };
        Stored = true;
        return new PortBudgetResult(Outcome.Ok, _budget);
    }

    public PortReserveResult Reserve(PortReserveRequest request, DateTimeOffset now)
    {
        if (_holds.TryGetValue(request.RequestId, out var earlier))
        {
            return earlier.Request == request
                ? new PortReserveResult(Outcome.Replayed, earlier.Answer)
                : new PortReserveResult(Outcome.RequestIdConflict);
        }

        long used = Used(now);
        long held = Reserved(now);
        if (_budget.Enabled)
        {
            long left = _budget.HardCapTokens - used - held;
            if (left <= 0 || request.EstimatedTokens > left)
            {
                var refusal = left <= 0 ? Outcome.HardCapExceeded : Outcome.EstimatedExceedsCap;
                return new PortReserveResult(refusal, Refusal: new PortRefusal(used, _budget.HardCapTokens));
            }
        }

        var reservation = new PortReservation(
            request.RequestId, ReservationState.Reserved, used, Remaining(used, held + request.EstimatedTokens), SoftCap(used),
            now.AddSeconds(request.TtlSeconds));
        _holds[request.RequestId] = new PortModelHold(request, now, reservation);
        Stored = true;
        return new PortReserveResult(Outcome.Created, reservation);
    }

    public PortCommitResult Commit(PortCommitRequest request, DateTimeOffset now)
    {
        if (!_holds.TryGetValue(request.RequestId, out var hold))
        {
            return new PortCommitResult(Outcome.NotFound);
        }

        var body = request with { Feature = request.Feature ?? hold.Request.Feature };
        switch (hold.State)
        {
            case ModelHoldState.Committed:
                return hold.CommitBody == body
                    ? new PortCommitResult(Outcome.Replayed, hold.CommitAnswer)
                    : new PortCommitResult(Outcome.RequestIdConflict);
            case ModelHoldState.Released:
                return new PortCommitResult(Outcome.ReservationNotOpen);
        }

        bool late = hold.ExpiresAt <= now;
        _holds[request.RequestId] = hold with { State = ModelHoldState.Committed, ClosedAt = now, CommitBody = body, Late = late };
        var receipt = RecordCall(
            request.RequestId, ReservationState.Committed, body.Feature!, body.InputTokens, body.OutputTokens, body.Provider, body.Model,
            body.UserId, late, now);
        _holds[request.RequestId] = _holds[request.RequestId] with { CommitAnswer = receipt };
        return new PortCommitResult(Outcome.Ok, receipt);
    }

    public PortUsageResult RecordUsage(PortUsageRequest request, DateTimeOffset now)
    {
        if (_usage.TryGetValue(request.RequestId, out var earlier))
        {
            return earlier.Request == request
                ? new PortUsageResult(Outcome.Replayed, earlier.Answer)
                : new PortUsageResult(Outcome.RequestIdConflict);
        }

        var receipt = RecordCall(
            request.RequestId, null, request.Feature, request.InputTokens, request.OutputTokens, request.Provider, request.Model,
            request.UserId, late: false, now);
        _usage[request.RequestId] = (request, receipt);
        return new PortUsageResult(Outcome.Created, receipt);
    }

    public PortReleaseResult Release(string requestId, DateTimeOffset now)
    {
        if (!_holds.TryGetValue(requestId, out var hold))
        {
            return new PortReleaseResult(Outcome.NotFound);
        }

        switch (hold.State)
        {
            case ModelHoldState.Released:
                return new PortReleaseResult(Outcome.Replayed, hold.ReleaseAnswer);
            case ModelHoldState.Committed:
                return new PortReleaseResult(Outcome.ReservationNotOpen);
        }

        var state = hold.CountsAt(now) ? ReservationState.Released : ReservationState.Expired;
        _holds[requestId] = hold with { State = ModelHoldState.Released, ClosedAt = now };
        long used = Used(now);
        var receipt = new PortReleaseReceipt(requestId, state, hold.Request.EstimatedTokens, used, Remaining(used, Reserved(now)));
        _holds[requestId] = _holds[requestId] with { ReleaseAnswer = receipt };
        Stored = true;
        return new PortReleaseResult(Outcome.Ok, receipt);
    }

    /// <summary>What reading a reservation answers.</summary>
    public PortReservationResult Reservation(string requestId, DateTimeOffset now)
    {
        if (!_holds.TryGetValue(requestId, out var hold))
        {
            return new PortReservationResult(Outcome.NotFound);
        }

        bool committed = hold.State == ModelHoldState.Committed;
        return new PortReservationResult(Outcome.Ok, new PortReservationView(
            requestId, ModelCalendar.StateAt(hold.State, hold.ExpiresAt, hold.ClosedAt, now), hold.Request.Feature,
            hold.Request.EstimatedTokens, hold.CreatedAt, hold.ExpiresAt,
            committed ? hold.CommitBody!.InputTokens + hold.CommitBody.OutputTokens : null, committed ? hold.Late : null));
    }

    /// <summary>What reading the port answers.</summary>
    public PortViewResult Port(DateTimeOffset now)
    {
        long used = Used(now);
        long held = Reserved(now);
        return new PortViewResult(Outcome.Ok, new PortView(
            portId, _budget, ModelCalendar.Midnight(PeriodStart(now)), used, held, Remaining(used, held), SoftCap(used)));
    }

    /// <summary>What reading the period's usage answers, for every feature or one.</summary>
    public PortUsageViewResult Usage(string? feature, DateTimeOffset now) => new(Outcome.Ok, new PortUsageView(
        ModelCalendar.Midnight(PeriodStart(now)),
        feature is null ? Used(now) : InPeriod(now).Where(c => c.Key.Feature == feature).Sum(c => c.Value.Tokens),
        _holds.Values.Where(h => h.CountsAt(now) && (feature is null || h.Request.Feature == feature)).Sum(h => h.Request.EstimatedTokens)));

    /// <summary>Tokens and calls per feature in the period, ordered by feature.</summary>
    public IReadOnlyList<PortFeatureUsage> Breakdown(DateTimeOffset now) =>
        [.. InPeriod(now)
            .GroupBy(c => c.Key.Feature, StringComparer.Ordinal)
            .Select(g => new PortFeatureUsage(g.Key, g.Sum(c => c.Value.Tokens), g.Sum(c => c.Value.Calls)))
            .OrderBy(f => f.Feature, StringComparer.Ordinal)];

    private PortCallReceipt RecordCall(
        string requestId, ReservationState? state, string feature, long input, long output, string provider, string model, string? userId,
        bool late, DateTimeOffset now)
    {
        long tokens = input + output;
        var cell = (ModelCalendar.Day(now), feature);
        var (cellTokens, cellCalls) = _cells.GetValueOrDefault(cell);
        _cells[cell] = (cellTokens + tokens, cellCalls + 1);
        Stored = true;
        long used = Used(now);
        return new PortCallReceipt(
            requestId, state, feature, input, output, tokens, provider, model, userId, used, Remaining(used, Reserved(now)), SoftCap(used), late, now);
    }

    private DateOnly PeriodStart(DateTimeOffset now) => ModelCalendar.PeriodStart(_budget.Period, now);

    private IEnumerable<KeyValuePair<(DateOnly Day, string Feature), (long Tokens, long Calls)>> InPeriod(DateTimeOffset now)
    {
        var start = PeriodStart(now);
        return _cells.Where(c => c.Key.Day >= start);
    }

    private long Used(DateTimeOffset now) => InPeriod(now).Sum(c => c.Value.Tokens);

    private long Reserved(DateTimeOffset now) => _holds.Values.Where(h => h.CountsAt(now)).Sum(h => h.Request.EstimatedTokens);

    private long? Remaining(long used, long held) => _budget.Enabled ? Math.Max(0, _budget.HardCapTokens - used - held) : null;

    private bool SoftCap(long used) => _budget.Enabled && used >= _budget.SoftCapTokens;
}
