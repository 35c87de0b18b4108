using System.Diagnostics;
using Metering.ClientApi.Json;

namespace Metering.ClientApi.Problems;

/// <summary>
/// An RFC 9457 problem: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, our machine-readable
/// <c>code</c>, and extension members, written as <c>application/problem+json</c>.
/// </summary>
internal sealed class ProblemBody(int status, string code, string title, string? detail = null) : IResult
{
    private readonly Dictionary<string, object?> _extensions = new(StringComparer.Ordinal);

    public int Status => status;

    public string Code => code;

    public ProblemBody With(string member, object? value)
    {
        _extensions[member] = value;
        return this;
    }

    /// <summary>The members as written, <c>traceId</c> included: also for a problem inside a 200 answer (one event of a batch).</summary>
    public Dictionary<string, object?> ToDictionary(HttpContext http)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = $"urn:metering:problem:{code}",
            ["title"] = title,
            ["status"] = status,
            ["code"] = code,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }

        foreach (var (member, value) in _extensions)
        {
            body[member] = value;
        }

        // What an operator searches the logs and traces for: the W3C trace id when the request is
        // traced, else ASP.NET Core's request id (also in every log line's scope).
        body["traceId"] = Activity.Current is { } activity ? activity.TraceId.ToHexString() : http.TraceIdentifier;
        return body;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(ToDictionary(httpContext), ApiJson.Options, "application/problem+json");
    }
}
