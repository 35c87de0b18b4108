namespace Metering.ClientApi.Endpoints;

/// <summary>One page of a list, as every list answers: the items and the cursor of the next page (null on the last).</summary>
internal sealed record PageJson<T>(IReadOnlyList<T> Items, string? Next);
