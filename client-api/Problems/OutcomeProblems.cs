using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Problems;

// CS8524 asks for an arm for numeric values outside the enum; a default arm would also swallow
// CS8509 (a named value left unmapped), which is the check this file exists for.
#pragma warning disable CS8524

/// <summary>
/// The one place that maps grain outcomes to HTTP problems (status, <c>code</c>, title). The switch
/// has no default arm: a new <see cref="Outcome"/> does not compile until it is mapped here.
/// </summary>
internal static class OutcomeProblems
{
    public static ProblemBody For(Outcome outcome, string? detail = null) => outcome switch
    {
        Outcome.InvalidRequest => new(400, "invalid_request", "Invalid request", detail ?? "see errors"),
        Outcome.NotFound => new(404, "not_found", "Not found", detail),
        Outcome.RequestIdConflict => new(409, "request_id_conflict", "Request id reused with a different body",
            detail ?? "this requestId was used before with a different body; use a new requestId"),
        Outcome.ReservationNotOpen => new(409, "reservation_not_open", "Reservation not open",
            detail ?? "the reservation was already committed or released"),
        Outcome.OutOfCredits => new(402, "out_of_credits", "Out of credits", detail),
        Outcome.GeminiCapExceededNoHardware => new(402, "gemini_cap_exceeded_no_hardware", "Gemini cap exceeded and no hardware", detail),
        Outcome.QuotaInsufficient => new(402, "quota_insufficient", "Quota insufficient", detail),
        Outcome.HardCapExceeded => new(402, "hard-cap-exceeded", "Hard cap exceeded", detail),
        Outcome.EstimatedExceedsCap => new(402, "estimated-exceeds-cap", "Estimate exceeds cap", detail),
        Outcome.TooManyOpenReservations => new(429, "too_many_open_reservations", "Too many open reservations",
            detail ?? $"an account may hold at most {Limits.MaxOpenHoldsPerAccount} open reservations; commit or release some"),
        Outcome.TooManyFeatures => new(429, "too_many_features", "Too many features",
            detail ?? $"a port may use at most {Limits.MaxFeaturesPerPort} distinct features within {Limits.PortUsageWindowDays} days"),
        Outcome.Unavailable => new(503, "unavailable", "Unavailable",
            detail ?? "storage or cluster unreachable, or the account is busy; nothing was acknowledged, retry is safe"),
        Outcome.Ok or Outcome.Created or Outcome.Replayed =>
            throw new InvalidOperationException($"{outcome} is a success, not a problem"),
    };

    /// <summary>The HTTP status of a success outcome.</summary>
    public static int SuccessStatus(Outcome outcome) => outcome switch
    {
        Outcome.Created => StatusCodes.Status201Created,
        Outcome.Ok or Outcome.Replayed => StatusCodes.Status200OK,
        _ => throw new InvalidOperationException($"{outcome} is not a success"),
    };

    public static bool IsSuccess(Outcome outcome) => outcome is Outcome.Ok or Outcome.Created or Outcome.Replayed;
}
