namespace Metering.Tests.Http.BadInput;

/// <summary>One event of a batch, with the mutations that make it bad on its own.</summary>
internal sealed class EventDraft
{
    public List<Member> Members { get; init; } = [];

    /// <summary>Sent instead of an object (a number, null, an array).</summary>
    public byte[]? Raw { get; set; }

    public List<Mutation> Mutations { get; } = [];

    public byte[] Render() => Raw ?? Draft.RenderObject(Members);
}
