namespace Metering.Tests.Http.BadInput;

/// <summary>
/// The order in which client-api checks a request (docs/api.md, "Authentication and scopes" and
/// "Request bodies"): when a request breaks several rules, the earliest stage is the answer.
/// </summary>
internal enum Stage
{
    /// <summary>No route matches (an empty path segment, a wrong method, an unknown path): 404.</summary>
    Route,

    /// <summary>No key, not <c>Bearer</c>, an unknown key: 401.</summary>
    Auth,

    /// <summary>The key lacks the route's scope (or is prefix-limited on a route without an account): 403.</summary>
    Scope,

    /// <summary>The account identifier in the path is malformed: 400 on the path parameter.</summary>
    PathAccount,

    /// <summary>The account identifier does not start with the key's prefix: 403.</summary>
    Prefix,

    /// <summary>The <c>requestId</c> in the path is malformed: 400 <c>errors.requestId</c>.</summary>
    PathRequest,

    /// <summary>The body is over the route's bound: 413.</summary>
    Size,

    /// <summary>The body is not one JSON object (malformed, duplicate property, not an object, empty): 400 <c>errors.body</c>.</summary>
    Parse,

    /// <summary>A bad <c>limit</c> or a non-identifier <c>after</c>: reported alone, 400.</summary>
    Paging,

    /// <summary>client-api's member and query checks: every problem in one 400.</summary>
    Fields,

    /// <summary>A batch's <c>events</c> that is not an array of 1 to 1000 (checked after the members).</summary>
    Shape,

    /// <summary>The grain's own checks (empty or control-character text, merged budget, sums, periods): 400.</summary>
    Grain,

    /// <summary>A usage event whose <c>tenantId</c> the key does not reach: 403, after the body is checked.</summary>
    LatePrefix,

    /// <summary>A well-formed batch: 200 with one problem per event.</summary>
    PerEvent,

    /// <summary>An unknown reservation (or account) answered by the grain: 404.</summary>
    NotFound,
}
