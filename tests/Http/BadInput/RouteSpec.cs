namespace Metering.Tests.Http.BadInput;

/// <summary>
/// One mapped route of client-api and everything the generator knows about it: the valid base
/// request (which only ever goes out broken), its inputs, and route-specific bad inputs (a
/// query value, a merged budget above its cap...).
/// </summary>
internal sealed record RouteSpec(
    string Method, string Pattern, string Key, RouteAccess Access, IReadOnlyList<PathParam> Path,
    BodySpec? Body = null, IReadOnlyList<KeyValuePair<string, string>>? BaseQuery = null, IReadOnlyList<Mutation>? Extra = null)
{
    /// <summary>As the endpoint data source names it: <c>POST /v1/installs/{installId}/reservations</c>.</summary>
    public string Name => $"{Method} {Pattern}";

    public override string ToString() => Name;
}
