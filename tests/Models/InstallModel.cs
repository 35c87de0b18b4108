using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;

namespace Metering.Tests.Models;

/// <summary>
/// A simple model of one install, written from the API contract (docs: "Installs" and "The
/// reservation lifecycle"): each operation returns the answer the grain must give and changes the
/// model as the grain must. The test works on a <see cref="Clone"/> and keeps it only when the
/// grain acknowledged the operation (an Unavailable answer changes nothing).
/// </summary>
/// <remarks>
/// The rules, as the model reads them:
/// <list type="bullet">
/// <item>A tier's quota names its counters: lifetime ones for a <c>lifetime</c> quota, the current
/// month's for a <c>monthly</c> or unlimited one; a new month starts the monthly counters at 0.</item>
/// <item>Every open (unexpired) hold counts against the quota; gemini holds also against the gemini
/// cap. A reserve is <c>out_of_credits</c> when nothing remains or the hold does not fit; else
/// <c>gemini</c> while the hold fits under the gemini cap (or there is none); else <c>hardware</c>
/// when the relay has it; else <c>gemini_cap_exceeded_no_hardware</c>. Refusals store nothing.</item>
/// <item>The tier of a created reservation becomes the install's tier; balances are answered under
/// the install's tier, and a commit counts on the counters of the tier its hold was reserved under,
/// with the backend and credits it names (defaults: as reserved), late or not.</item>
/// <item>Keys: a reserve's key with the same body replays its first answer, with another body is
/// a conflict; a commit compares its effective backend and credits; a release has no body.</item>
/// </list>
/// </remarks>
internal sealed class InstallModel : IAccountModel<InstallModel>
{
    private readonly string _installId;
    private readonly TierQuotas _quotas;
    private Dictionary<string, InstallModelHold> _holds = new(StringComparer.Ordinal);
    private long _lifetime;
    private long _lifetimeGemini;
    private string _month;
    private long _monthly;
    private long _monthlyGemini;
    private DateTimeOffset? _lastActiveAt;

    public InstallModel(string installId, TierQuotas quotas, DateTimeOffset now)
    {
        _installId = installId;
        _quotas = quotas;
        _month = ModelCalendar.Month(now);
    }

    /// <summary>The install's tier: that of its last created reservation (core until then).</summary>
    public Tier Tier { get; private set; } = Tier.Core;

    /// <summary>True once a write was acknowledged, so the account has a row in PostgreSQL.</summary>
    public bool Stored { get; private set; }

    /// <summary>The reservation a key names, if one was created.</summary>
    public InstallModelHold? Hold(string requestId) => _holds.GetValueOrDefault(requestId);

    /// <summary>When the open holds expire, for clock moves onto those instants.</summary>
    public IReadOnlyList<DateTimeOffset> OpenExpiries(DateTimeOffset now) =>
        [.. _holds.Values.Where(h => h.CountsAt(now)).Select(h => h.ExpiresAt).Order()];

    public InstallModel Clone()
    {
        var copy = (InstallModel)MemberwiseClone();
        copy._holds = new Dictionary<string, InstallModelHold>(_holds, StringComparer.Ordinal);
        return copy;
    }

    public InstallReserveResult Reserve(InstallReserveRequest request, DateTimeOffset now)
    {
        RollMonth(now);
        if (_holds.TryGetValue(request.RequestId, out var earlier))
        {
            return earlier.Request == request
                ? new InstallReserveResult(Outcome.Replayed, earlier.Answer)
                : new InstallReserveResult(Outcome.RequestIdConflict);
        }

        var quota = _quotas.For(request.Tier);
        var (remaining, geminiRemaining) = Balance(quota, Reserved(now), GeminiReserved(now));
        if (remaining is { } left && (left == 0 || request.Credits > left))
        {
            return new InstallReserveResult(Outcome.OutOfCredits, Remaining: remaining, GeminiRemaining: geminiRemaining);
        }

        Backend backend;
        if (geminiRemaining is not { } room || (room > 0 && request.Credits <= room))
        {
            backend = Backend.Gemini;
        }
        else if (request.HasHardware)
        {
            backend = Backend.Hardware;
        }
        else
        {
            return new InstallReserveResult(Outcome.GeminiCapExceededNoHardware, Remaining: remaining, GeminiRemaining: geminiRemaining);
        }

        var reservation = new InstallReservation(
            request.RequestId, ReservationState.Reserved, backend, request.Credits,
            remaining - request.Credits,
            backend == Backend.Gemini ? geminiRemaining - request.Credits : geminiRemaining,
            BasisOf(quota), now.AddSeconds(request.TtlSeconds));
        _holds[request.RequestId] = new InstallModelHold(request, backend, now, reservation);
        Tier = request.Tier;
        Touch(now);
        return new InstallReserveResult(Outcome.Created, reservation);
    }

    public InstallCommitResult Commit(InstallCommitRequest request, DateTimeOffset now)
    {
        RollMonth(now);
        if (!_holds.TryGetValue(request.RequestId, out var hold))
        {
            return new InstallCommitResult(Outcome.NotFound);
        }

        var body = (Backend: request.Backend ?? hold.Backend, Credits: request.Credits ?? hold.Request.Credits);
        switch (hold.State)
        {
            case ModelHoldState.Committed:
                return hold.CommitBody == body
                    ? new InstallCommitResult(Outcome.Replayed, hold.CommitAnswer)
                    : new InstallCommitResult(Outcome.RequestIdConflict);
            case ModelHoldState.Released:
                return new InstallCommitResult(Outcome.ReservationNotOpen);
        }

        bool late = hold.ExpiresAt <= now;
        Charge(_quotas.For(hold.Request.Tier), body.Backend, body.Credits);
        _holds[request.RequestId] = hold with { State = ModelHoldState.Committed, ClosedAt = now, CommitBody = body, Late = late };
        var (remaining, geminiRemaining) = Balance(_quotas.For(Tier), Reserved(now), GeminiReserved(now));
        var receipt = new InstallCommitReceipt(
            request.RequestId, ReservationState.Committed, body.Backend, body.Credits, remaining, geminiRemaining, late);
        _holds[request.RequestId] = _holds[request.RequestId] with { CommitAnswer = receipt };
        Touch(now);
        return new InstallCommitResult(Outcome.Ok, receipt);
    }

    public InstallReleaseResult Release(string requestId, DateTimeOffset now)
    {
        RollMonth(now);
        if (!_holds.TryGetValue(requestId, out var hold))
        {
            return new InstallReleaseResult(Outcome.NotFound);
        }

        switch (hold.State)
        {
            case ModelHoldState.Released:
                return new InstallReleaseResult(Outcome.Replayed, hold.ReleaseAnswer);
            case ModelHoldState.Committed:
                return new InstallReleaseResult(Outcome.ReservationNotOpen);
        }

        var state = hold.CountsAt(now) ? ReservationState.Released : ReservationState.Expired;
        _holds[requestId] = hold with { State = ModelHoldState.Released, ClosedAt = now };
        var (remaining, geminiRemaining) = Balance(_quotas.For(Tier), Reserved(now), GeminiReserved(now));
        var receipt = new InstallReleaseReceipt(requestId, state, hold.Backend, hold.Request.Credits, remaining, geminiRemaining);
        _holds[requestId] = _holds[requestId] with { ReleaseAnswer = receipt };
        Touch(now);
        return new InstallReleaseResult(Outcome.Ok, receipt);
    }

    /// <summary>What reading a reservation answers.</summary>
    public InstallReservationResult Reservation(string requestId, DateTimeOffset now)
    {
        if (!_holds.TryGetValue(requestId, out var hold))
        {
            return new InstallReservationResult(Outcome.NotFound);
        }

        bool committed = hold.State == ModelHoldState.Committed;
        return new InstallReservationResult(Outcome.Ok, new InstallReservationView(
            requestId, ModelCalendar.StateAt(hold.State, hold.ExpiresAt, hold.ClosedAt, now), hold.Request.Tier, hold.Backend,
            hold.Request.Credits, hold.CreatedAt, hold.ExpiresAt,
            committed ? hold.CommitBody!.Value.Credits : null, committed ? hold.CommitBody!.Value.Backend : null, committed ? hold.Late : null));
    }

    /// <summary>What reading the account answers.</summary>
    public InstallAccountResult Account(DateTimeOffset now)
    {
        RollMonth(now);
        var quota = _quotas.For(Tier);
        long reserved = Reserved(now);
        var (remaining, geminiRemaining) = Balance(quota, reserved, GeminiReserved(now));
        return new InstallAccountResult(Outcome.Ok, new InstallAccountView(
            _installId, Tier, _lifetime, _lifetimeGemini, _month, _monthly, _monthlyGemini,
            reserved, remaining, geminiRemaining, BasisOf(quota), _lastActiveAt));
    }

    private static QuotaBasis BasisOf(TierQuota quota) => quota.Lifetime is null ? QuotaBasis.Monthly : QuotaBasis.Lifetime;

    /// <summary>What remains under the quota and its gemini cap (on the counters the quota names), after holds; null where unlimited.</summary>
    private (long? Remaining, long? GeminiRemaining) Balance(TierQuota quota, long reserved, long geminiReserved)
    {
        bool lifetime = quota.Lifetime is not null;
        long used = lifetime ? _lifetime : _monthly;
        long geminiUsed = lifetime ? _lifetimeGemini : _monthlyGemini;
        long? limit = lifetime ? quota.Lifetime : quota.Monthly;
        long? cap = lifetime ? quota.GeminiCapLifetime : quota.GeminiCapMonthly;
        return (
            limit is { } l ? Math.Max(0, l - used - reserved) : null,
            cap is { } c ? Math.Max(0, c - geminiUsed - geminiReserved) : null);
    }

    private void Charge(TierQuota quota, Backend backend, long credits)
    {
        long gemini = backend == Backend.Gemini ? credits : 0;
        if (quota.Lifetime is not null)
        {
            _lifetime += credits;
            _lifetimeGemini += gemini;
        }
        else
        {
            _monthly += credits;
            _monthlyGemini += gemini;
        }
    }

    private long Reserved(DateTimeOffset now) => _holds.Values.Where(h => h.CountsAt(now)).Sum(h => h.Request.Credits);

    private long GeminiReserved(DateTimeOffset now) =>
        _holds.Values.Where(h => h.CountsAt(now) && h.Backend == Backend.Gemini).Sum(h => h.Request.Credits);

    /// <summary>A new month starts the monthly counters at 0 (the clock only moves forward).</summary>
    private void RollMonth(DateTimeOffset now)
    {
        string month = ModelCalendar.Month(now);
        if (month != _month)
        {
            _month = month;
            _monthly = 0;
            _monthlyGemini = 0;
        }
    }

    private void Touch(DateTimeOffset now)
    {
        _lastActiveAt = now;
        Stored = true;
    }
}
