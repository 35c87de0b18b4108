using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Problems;

/// <summary>Problems raised by the front end itself, before any grain is called.</summary>
internal static class ApiProblems
{
    public static ProblemBody Invalid(ValidationErrors errors) =>
        OutcomeProblems.For(Outcome.InvalidRequest).With("errors", errors.Fields);

    public static ProblemBody Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static ProblemBody PayloadTooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Payload too large", $"the body must be at most {maxBytes} bytes");

    public static ProblemBody Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", "send Authorization: Bearer <key> with a known key");

    public static ProblemBody Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);

    /// <summary>429: the key passed its configured rate (never for a lack of credit: that is 402).</summary>
    public static ProblemBody RateLimited(TimeSpan? retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
            retryAfter is { } after
                ? $"this key passed its configured request rate; retry after {Math.Max(1, (long)Math.Ceiling(after.TotalSeconds))} s"
                : "this key passed its configured request rate; retry later");

    public static ProblemBody NotFound(string detail) =>
        OutcomeProblems.For(Outcome.NotFound, detail);

    public static ProblemBody Unavailable(string detail) =>
        OutcomeProblems.For(Outcome.Unavailable, detail);

    /// <summary>For status codes the framework produces on its own (405, 415, ...).</summary>
    public static ProblemBody FromStatus(int status) => status switch
    {
        404 => NotFound("no such route"),
        405 => new(status, "method_not_allowed", "Method not allowed"),
        413 => new(status, "payload_too_large", "Payload too large"),
        415 => new(status, "unsupported_media_type", "Unsupported media type"),
        _ => new(status, status >= 500 ? "internal_error" : "error", "Error"),
    };
}
