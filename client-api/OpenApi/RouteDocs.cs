namespace Metering.ClientApi.OpenApi;

/// <summary>
/// What a route tells the OpenAPI document beyond what the framework sees: its request body's type
/// and its query parameters. Plain endpoint metadata, read by <see cref="OperationDocs"/>; unlike
/// <c>Accepts</c> it does not make routing refuse a request by its Content-Type, so malformed
/// requests still reach the route's own validation and its 400 (API.md: never another answer
/// for bad input).
/// </summary>
internal static class RouteDocs
{
    /// <summary>The route takes a JSON body shaped as <typeparamref name="TBody"/>.</summary>
    public static RouteHandlerBuilder Body<TBody>(this RouteHandlerBuilder route, bool required = true) =>
        route.WithMetadata(new BodyDoc(typeof(TBody), required));

    /// <summary>The route reads the query parameter <paramref name="name"/>.</summary>
    public static RouteHandlerBuilder Query<T>(this RouteHandlerBuilder route, string name, string description, bool required = false) =>
        route.WithMetadata(new QueryDoc(name, typeof(T), description, required));

    /// <summary>The list routes' <c>limit</c> and <c>after</c> (API.md "Paging").</summary>
    public static RouteHandlerBuilder Paged(this RouteHandlerBuilder route) => route
        .Query<int>("limit", $"items per page, 1 to {GrainInterfaces.Common.Limits.MaxPageSize} (default {GrainInterfaces.Common.Limits.DefaultPageSize})")
        .Query<string>("after", "the `next` cursor of the previous page, unchanged");
}

/// <summary>The daily series' <c>from</c> and <c>to</c> (both inclusive, UTC days).</summary>
internal static class SeriesDocs
{
    public static RouteHandlerBuilder Dates(this RouteHandlerBuilder route) => route
        .Query<DateOnly>("from", "first day, YYYY-MM-DD (UTC)", required: true)
        .Query<DateOnly>("to", "last day, inclusive; at most 400 days after from", required: true);
}

/// <summary>A route's JSON request body.</summary>
internal sealed record BodyDoc(Type Type, bool Required);

/// <summary>A query parameter a route reads.</summary>
internal sealed record QueryDoc(string Name, Type Type, string Description, bool Required);
