namespace Metering.GrainInterfaces.Common;

/// <summary>
/// The outcome of a ledger operation. Grains never throw for business outcomes: every expected
/// result is one of these values, and the HTTP front end maps each to exactly one status code
/// and problem type (see client-api <c>Problems/OutcomeProblems.cs</c>).
/// </summary>
/// <remarks>Append-only: the numeric values cross the wire and are stored in journals.</remarks>
[GenerateSerializer, Alias("Metering.Outcome")]
public enum Outcome
{
    /// <summary>The operation succeeded (HTTP 200).</summary>
    Ok = 0,

    /// <summary>The operation created something new (HTTP 201).</summary>
    Created = 1,

    /// <summary>A repeat of an earlier operation with the same key and body: the first answer is returned unchanged (HTTP 200).</summary>
    Replayed = 2,

    /// <summary>The input is malformed or out of range; nothing changed (HTTP 400 <c>invalid_request</c>).</summary>
    InvalidRequest = 3,

    /// <summary>The reservation or account does not exist (HTTP 404 <c>not_found</c>).</summary>
    NotFound = 4,

    /// <summary>The key was used before with a different body (HTTP 409 <c>request_id_conflict</c>).</summary>
    RequestIdConflict = 5,

    /// <summary>Commit after release, or release after commit (HTTP 409 <c>reservation_not_open</c>).</summary>
    ReservationNotOpen = 6,

    /// <summary>Install: nothing remains under the tier's quota (HTTP 402 <c>out_of_credits</c>).</summary>
    OutOfCredits = 7,

    /// <summary>Install: the gemini cap is used up and the relay has no hardware (HTTP 402 <c>gemini_cap_exceeded_no_hardware</c>).</summary>
    GeminiCapExceededNoHardware = 8,

    /// <summary>Pool: the reservation does not fit in what remains (HTTP 402 <c>quota_insufficient</c>).</summary>
    QuotaInsufficient = 9,

    /// <summary>Port: nothing remains under the hard cap (HTTP 402 <c>hard-cap-exceeded</c>).</summary>
    HardCapExceeded = 10,

    /// <summary>Port: the estimate would pass the hard cap (HTTP 402 <c>estimated-exceeds-cap</c>).</summary>
    EstimatedExceedsCap = 11,

    /// <summary>The account has <see cref="Limits.MaxOpenHoldsPerAccount"/> open holds (HTTP 429 <c>too_many_open_reservations</c>).</summary>
    TooManyOpenReservations = 12,

    /// <summary>Storage or cluster unreachable, or the account's write queue is full; nothing was acknowledged and a retry is safe (HTTP 503 <c>unavailable</c>).</summary>
    Unavailable = 13,

    /// <summary>Port: a new feature past <see cref="Limits.MaxFeaturesPerPort"/> in the usage window (HTTP 429 <c>too_many_features</c>).</summary>
    TooManyFeatures = 14,
}
