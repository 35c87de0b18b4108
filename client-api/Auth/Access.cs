using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Auth;

/// <summary>
/// Who may call what, checked in this order: a known key (401), the scope (403), the identifier's
/// form (400), the key's identifier prefix (403).
/// </summary>
internal static class Access
{
    /// <summary>
    /// Checks the key and scope only (401, 403), for routes whose identifiers are in the body and
    /// checked one by one afterwards (usage events); null when allowed.
    /// </summary>
    public static ProblemBody? CheckScope(HttpContext http, Scope scope) =>
        Authenticate(http, scope, out _);

    /// <summary>Checks the key and scope; null when allowed, else the problem to answer.</summary>
    public static ProblemBody? Check(HttpContext http, Scope scope, string? identifierName = null, string? identifier = null)
    {
        if (Authenticate(http, scope, out var key) is { } refused)
        {
            return refused;
        }

        if (identifierName is null)
        {
            // Routes without an account identifier (tiers, lists) reach every account.
            return key!.IdPrefix is null ? null : ApiProblems.Forbidden("this key is limited to an identifier prefix");
        }

        if (!Identifier.IsValid(identifier))
        {
            return ApiProblems.Invalid(identifierName, Identifier.Rule);
        }

        return key!.Reaches(identifier!) ? null : ApiProblems.Forbidden($"this key does not reach {identifierName} '{identifier}'");
    }

    // The route's policy (RequireAuthorization) has already answered 401 and 403 for the scope;
    // checking again here keeps a route that forgot its policy closed instead of open.
    private static ProblemBody? Authenticate(HttpContext http, Scope scope, out ApiKey? key)
    {
        key = ApiKeyIdentity.Of(http.User);
        if (key is null)
        {
            return ApiProblems.Unauthorized();
        }

        return key.Allows(scope) ? null : ApiProblems.Forbidden($"this key lacks the {Scopes.Name(scope)} scope");
    }

    /// <summary>The authenticated key's name, for audit records ("who made this change").</summary>
    public static string KeyName(HttpContext http) => ApiKeyIdentity.Of(http.User)?.Name ?? "unknown";
}
