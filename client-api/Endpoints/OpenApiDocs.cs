namespace Metering.ClientApi.Endpoints;

/// <summary>
/// What the OpenAPI document says of a route's answers: its success body and the problems it may
/// answer. (Request bodies and query parameters: <see cref="OpenApi.RouteDocs"/>.)
/// </summary>
internal static class OpenApiDocs
{
    private static readonly int[] ProblemStatuses = [400, 401, 403, 404, 409, 413, 429, 503];

    /// <summary>A route answering <typeparamref name="TResponse"/> with <paramref name="status"/>, and problems otherwise.</summary>
    public static RouteHandlerBuilder Answers<TResponse>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK, bool refusable = false)
    {
        route.Produces<TResponse>(status);
        if (status == StatusCodes.Status201Created)
        {
            // A replay answers 200 with the first body.
            route.Produces<TResponse>(StatusCodes.Status200OK);
        }

        foreach (int problem in refusable ? [.. ProblemStatuses, 402] : ProblemStatuses)
        {
            route.Produces<OpenApi.ProblemSchema>(problem, "application/problem+json");
        }

        return route;
    }
}
