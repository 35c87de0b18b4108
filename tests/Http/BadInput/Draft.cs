using System.Text;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// A request being built: a route's valid base request that mutations then break. Members are
/// kept as raw JSON tokens so a mutation can write anything, including bytes that are not UTF-8.
/// </summary>
internal sealed class Draft(RouteSpec route, int serial)
{
    public RouteSpec Route { get; } = route;

    /// <summary>Makes identifiers fresh per request, so no bad request can replay a good one.</summary>
    public int Serial { get; } = serial;

    public string Method { get; set; } = route.Method;

    /// <summary>The path to send; a pattern with <c>{name}</c> placeholders filled from <see cref="PathValues"/>.</summary>
    public string PathPattern { get; set; } = route.Pattern;

    public Dictionary<string, string> PathValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Query parameters, already URL-encoded.</summary>
    public List<KeyValuePair<string, string>> Query { get; } = [];

    /// <summary>The members of the body object, in order; null when the request has no JSON body.</summary>
    public List<Member>? Members { get; set; }

    /// <summary>A batch's events; rendered where the <c>events</c> member's value is null.</summary>
    public List<EventDraft>? Events { get; set; }

    /// <summary>Sent instead of the members (an empty, non-object or non-JSON body).</summary>
    public byte[]? BodyOverride { get; set; }

    /// <summary>No content at all (not even an empty one).</summary>
    public bool NoContent { get; set; }

    /// <summary>Applied to the rendered body (truncation, garbage, padding).</summary>
    public Func<byte[], byte[]>? Transform { get; set; }

    public string? ContentType { get; set; } = "application/json";

    /// <summary>Send without <c>Content-Length</c>, so client-api must count while it reads.</summary>
    public bool Chunked { get; set; }

    public string? Authorization { get; set; } = "Bearer " + route.Key;

    /// <summary>The key is limited to a prefix this batch's tenant lacks: every event is 403 on its own.</summary>
    public bool EventsForbidden { get; set; }

    public List<Mutation> Mutations { get; } = [];

    public void Set(string name, byte[] token) => Find(name).Value = token;

    public void Set(string name, string token) => Set(name, Encoding.UTF8.GetBytes(token));

    public void Remove(string name) => Members!.Remove(Find(name));

    public void Add(byte[] rawName, byte[] token) => Members!.Add(new Member(rawName, token));

    public void Add(string name, string token) => Add(Encoding.UTF8.GetBytes($"\"{name}\""), Encoding.UTF8.GetBytes(token));

    public Member Find(string name)
    {
        byte[] quoted = Encoding.UTF8.GetBytes($"\"{name}\"");
        return Members!.First(m => m.Name.AsSpan().SequenceEqual(quoted));
    }

    public void SetQuery(string name, string? encodedValue)
    {
        Query.RemoveAll(p => p.Key == name);
        if (encodedValue is not null)
        {
            Query.Add(new(name, encodedValue));
        }
    }

    public byte[]? RenderBody()
    {
        if (NoContent)
        {
            return null;
        }

        byte[]? body = BodyOverride ?? (Members is null ? null : RenderObject(Members, Events));
        return body is not null && Transform is not null ? Transform(body) : body;
    }

    public string RenderPath()
    {
        var path = new StringBuilder(PathPattern);
        foreach (var (name, value) in PathValues)
        {
            path.Replace("{" + name + "}", value);
        }

        if (Query.Count > 0)
        {
            path.Append('?').AppendJoin('&', Query.Select(p => $"{p.Key}={p.Value}"));
        }

        return path.ToString();
    }

    public static byte[] RenderObject(IEnumerable<Member> members, IReadOnlyList<EventDraft>? events = null)
    {
        var buffer = new List<byte> { (byte)'{' };
        bool first = true;
        foreach (var member in members)
        {
            if (!first)
            {
                buffer.Add((byte)',');
            }

            first = false;
            buffer.AddRange(member.Name);
            buffer.Add((byte)':');
            if (member.Value is { } value)
            {
                buffer.AddRange(value);
            }
            else
            {
                buffer.Add((byte)'[');
                buffer.AddRange(events!.SelectMany((e, i) => (i == 0 ? [] : new[] { (byte)',' }).Concat(e.Render())));
                buffer.Add((byte)']');
            }
        }

        buffer.Add((byte)'}');
        return [.. buffer];
    }
}
