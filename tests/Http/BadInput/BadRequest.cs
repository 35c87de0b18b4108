using System.Text;

namespace Metering.Tests.Http.BadInput;

/// <summary>One generated request: how it was broken and what the contract answers.</summary>
internal sealed record BadRequest(int Serial, Draft Draft, Expectation Expected)
{
    public RouteSpec Route => Draft.Route;

    /// <summary>Every breaking mutation, the events' included (for the summary by category).</summary>
    public IEnumerable<Mutation> AllMutations => Draft.Mutations.Concat(Draft.Events?.SelectMany(e => e.Mutations) ?? []).Where(m => !m.Neutral);

    /// <summary>The request as a failure message shows it: enough to send it again by hand.</summary>
    public string Describe(byte[]? body)
    {
        var text = new StringBuilder();
        text.Append(Draft.Method).Append(' ').Append(Draft.RenderPath()).AppendLine();
        text.Append("  route: ").Append(Route.Name).AppendLine();
        text.Append("  mutations: ").AppendJoin(" + ", Draft.Mutations).AppendLine();
        if (Draft.Events is { } events)
        {
            text.Append("  events: ").AppendJoin(" | ", events.Select(e => e.Mutations.Count == 0 ? "valid" : string.Join(" + ", e.Mutations))).AppendLine();
        }

        text.Append("  Authorization: ").Append(Draft.Authorization ?? "(none)").AppendLine();
        text.Append("  Content-Type: ").Append(body is null ? "(no content)" : Draft.ContentType ?? "(none)")
            .Append(Draft.Chunked ? ", no Content-Length" : "").AppendLine();
        if (body is not null)
        {
            text.Append("  body (").Append(body.Length).Append(" bytes): ").Append(Show(body, 400)).AppendLine();
        }

        text.Append("  expected: ").Append(Expected);
        return text.ToString();
    }

    /// <summary>Bytes as text, with anything that is not printable ASCII written as <c>\xNN</c>.</summary>
    public static string Show(ReadOnlySpan<byte> bytes, int max)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return bytes.Length > max ? text.Append("...").ToString() : text.ToString();
    }
}
