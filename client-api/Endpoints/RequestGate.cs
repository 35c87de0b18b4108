using Metering.ClientApi.Auth;
using Metering.ClientApi.Json;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// The checks every write route makes before it reads its fields, in the documented order:
/// the key and scope (401, 403), the identifiers (400), the key's prefix (403), then the body
/// (413, 400). <see cref="Close"/> ends the field reading: unknown members and collected errors
/// become one 400.
/// </summary>
internal static class RequestGate
{
    public static async Task<(JsonFields? Body, IResult? Problem)> OpenAsync(
        HttpContext http, Scope scope, string accountName, string accountId,
        string? requestId = null, bool emptyIsObject = false, int maxBytes = Limits.MaxBodyBytes)
    {
        if (Access.Check(http, scope, accountName, accountId) is { } denied)
        {
            return (null, denied);
        }

        if (requestId is not null && !Identifier.IsValid(requestId))
        {
            return (null, ApiProblems.Invalid("requestId", Identifier.Rule));
        }

        return await JsonBody.ReadAsync(http.Request, maxBytes, emptyIsObject);
    }

    /// <summary>Null when every member was known and valid; else the 400 to answer.</summary>
    public static IResult? Close(JsonFields body)
    {
        body.RejectUnknown();
        return body.Errors.IsEmpty ? null : ApiProblems.Invalid(body.Errors);
    }
}
