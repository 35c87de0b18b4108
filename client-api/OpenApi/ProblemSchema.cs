namespace Metering.ClientApi.OpenApi;

/// <summary>
/// The problem every error answers (RFC 9457, API.md "Errors"), as the OpenAPI document describes
/// it: the standard members, <c>code</c> (one of <see cref="Codes"/>), <c>errors</c> on a 400,
/// <c>traceId</c>, and the balance members a 402 carries for its account kind. Problems are written
/// by <see cref="Problems.ProblemBody"/>; this type only describes them.
/// </summary>
internal sealed class ProblemSchema
{
    /// <summary>Every <c>code</c> the API answers, by status (docs/api.md "Errors").</summary>
    public static readonly IReadOnlyList<string> Codes =
    [
        "invalid_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "request_id_conflict",
        "reservation_not_open", "out_of_credits", "gemini_cap_exceeded_no_hardware", "quota_insufficient",
        "hard-cap-exceeded", "estimated-exceeds-cap", "payload_too_large", "unsupported_media_type", "rate_limited",
        "too_many_open_reservations", "too_many_features", "unavailable", "internal_error",
    ];

    /// <summary><c>urn:metering:problem:{code}</c>.</summary>
    public required string Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    public string? Detail { get; init; }

    /// <summary>What a program checks: one of the documented codes.</summary>
    public required string Code { get; init; }

    /// <summary>The W3C trace id of the request, or its request id when it was not traced.</summary>
    public required string TraceId { get; init; }

    /// <summary>400: each invalid member's name and what is wrong with it.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>402 <c>out_of_credits</c>, <c>gemini_cap_exceeded_no_hardware</c>: credits left under the tier's quota (null: unlimited).</summary>
    public long? Remaining { get; init; }

    /// <summary>402 of an install: credits left under the gemini cap (null: no cap).</summary>
    public long? GeminiRemaining { get; init; }

    /// <summary>402 <c>quota_insufficient</c>: the refused call's usage type.</summary>
    public string? UsageType { get; init; }

    /// <summary>402 <c>quota_insufficient</c>: the pool's used micro-USD.</summary>
    public long? UsedMicros { get; init; }

    /// <summary>402 <c>quota_insufficient</c>: the pool's limit.</summary>
    public long? LimitMicros { get; init; }

    /// <summary>402 <c>quota_insufficient</c>: what is left under the limit after holds.</summary>
    public long? RemainingMicros { get; init; }

    /// <summary>402 of a port: tokens used and held in the period.</summary>
    public long? UsedTokens { get; init; }

    /// <summary>402 of a port: the hard cap.</summary>
    public long? CapTokens { get; init; }
}
