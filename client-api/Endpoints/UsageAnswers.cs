namespace Metering.ClientApi.Endpoints;

/// <summary>The answer to one usage event: <c>recorded</c> (201) or <c>duplicate</c> (200).</summary>
internal sealed record UsageEventAnswer(string Result)
{
    public static UsageEventAnswer Recorded { get; } = new("recorded");

    public static UsageEventAnswer Duplicate { get; } = new("duplicate");
}

/// <summary>
/// The answer to a batch: one result per event, in order. API.md makes each result a string
/// (<c>recorded</c>, <c>duplicate</c>) or the problem object of that event alone, so the items are
/// written by their runtime type: a <see cref="string"/> or a problem's members.
/// </summary>
internal sealed record UsageBatchAnswer(IReadOnlyList<object?> Results);
