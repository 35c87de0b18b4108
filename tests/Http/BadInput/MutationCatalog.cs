using Metering.Tests.Support;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// The bad inputs of a route, by what it takes: its key, its path parameters, each member of its
/// body (missing, wrong type, out of range, bad text), the body as a whole (malformed, truncated,
/// garbage around it, duplicate or unknown members, too deep, too large), and the content type.
/// </summary>
internal static class MutationCatalog
{
    private static readonly string[] IdentifierPathValues =
    [
        "a%20b", "%20", "a!b", "a%23b", "a%3Fb", "a%25b", "a+b", "a~b", "a%2Fb", "a%5Cb", "a%22b", "a%27b", "a%3Cb%3E", "a%7Bb%7D", "a%7Cb",
        "a%5Eb", "a%60b", "a,b", "a;b", "a=b", "a&b", "a$b", "a*b", "a(b)", "%C3%A9", "%E6%97%A5%E6%9C%AC", "%F0%9F%98%80", "%ED%A0%80", "%FF",
        "%C0%AF", "%E2%80%A8", "%E2%80%8B", "%EF%BC%91", "a%09b", "a%0Ab", "a%0Db", "%7F", "%C2%85", new string('a', 129), new string('a', 1000),
        "a%5Bb%5D",
    ];

    private static readonly string[] TierPathValues =
        ["gold", "CORE", "Core", "pro%20", "%20max", "core.", "coree", "%C3%A9", "1", "max%2F", new string('a', 129), "a%2Fb", "%ED%A0%80", "lifetime"];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
        "application/octet-stream", "application/json; charset=utf-16", "application/problem+json", "image/png", "application/json; charset=latin1",
    ];

    public static IReadOnlyList<Mutation> For(RouteSpec route)
    {
        var list = new List<Mutation>();
        if (route.Method != "*")
        {
            list.AddRange(Auth(route));
        }

        foreach (var parameter in route.Path)
        {
            list.AddRange(PathMutations(parameter));
        }

        if (route.Body is { } body)
        {
            list.AddRange(Members(body.Fields));
            list.AddRange(WholeBody(body));
            list.AddRange(Neutral());
        }

        list.AddRange(route.Extra ?? []);
        return list;
    }

    /// <summary>What can be wrong with one event of a batch on its own (a malformed token still breaks the whole batch).</summary>
    public static IReadOnlyList<Mutation> ForEvent(IReadOnlyList<Field> fields)
    {
        // Depth counts from the batch body: an event's members are two levels further down, so
        // what is just within the bound at the top is past it in an event (the batch is malformed).
        var list = new List<Mutation>(Members(fields).Where(m => m.Category != "depth" || m.Stage == Stage.Parse));
        foreach (string token in new[] { "42", "null", "[]", "\"x\"", "true", "[{}]", "-1.5" })
        {
            list.Add(new("event-shape", "element", $"event {token}", Stage.Fields, "event", d => d.BodyOverride = BadValue.Utf8(token)));
        }

        return list;
    }

    private static IEnumerable<Mutation> Auth(RouteSpec route)
    {
        foreach (var (label, header) in new (string, string?)[]
        {
            ("no key", null), ("unknown key", "Bearer not-a-key"), ("basic", "Basic YWRtaW4ta2V5Og=="), ("scheme only", "Bearer"),
            ("blank key", "Bearer    "), ("no scheme", ClusterFixture.AdminKey), ("other scheme", "Token " + ClusterFixture.AdminKey),
            ("key with %00", "Bearer admin-key%00"), ("key in quotes", "Bearer \"admin-key\""),
        })
        {
            yield return new("auth", "auth", label, Stage.Auth, null, d => d.Authorization = header);
        }

        bool admin = route.Access is RouteAccess.AdminAccount or RouteAccess.AdminGlobal;
        if (admin)
        {
            yield return new("auth", "auth", "relay key on an admin route", Stage.Scope, null, d => d.Authorization = "Bearer " + ClusterFixture.RelayKey);
        }

        var (acmeStage, forbidsEvents) = route.Access switch
        {
            RouteAccess.RelayAccount => (Stage.Prefix, false),
            RouteAccess.AdminAccount or RouteAccess.AdminGlobal => (Stage.Scope, false),
            RouteAccess.RelayTenantInBody when route.Body is { IsBatch: true } => (Stage.PerEvent, true),
            RouteAccess.RelayTenantInBody => (Stage.LatePrefix, false),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route.Access, null),
        };
        yield return new("auth", "auth", "key limited to another prefix", acmeStage, null, d =>
        {
            d.Authorization = "Bearer " + ClusterFixture.PrefixKey;
            d.EventsForbidden = forbidsEvents;
        });
    }

    private static IEnumerable<Mutation> PathMutations(PathParam parameter)
    {
        string slot = "path:" + parameter.Name;
        var values = parameter.BadStage == Stage.Fields ? TierPathValues : IdentifierPathValues;
        foreach (string value in values)
        {
            yield return new("path-id", slot, $"{{{parameter.Name}}}={BadValue.Shorten(value)}", parameter.BadStage, parameter.Name, d => d.PathValues[parameter.Name] = value);
        }

        yield return new("path-empty", slot, $"{{{parameter.Name}}} empty", Stage.Route, null, d => d.PathValues[parameter.Name] = "");
        foreach (string value in parameter.Unknown)
        {
            yield return new("path-unknown", slot, $"{{{parameter.Name}}}={value} (unknown)", Stage.NotFound, null, d => d.PathValues[parameter.Name] = value);
        }
    }

    /// <summary>Each member wrong in every way, missing when required, and members that are unknown or given twice.</summary>
    private static IEnumerable<Mutation> Members(IReadOnlyList<Field> fields)
    {
        foreach (var field in fields)
        {
            string slot = "field:" + field.Name;
            if (field.Required)
            {
                yield return new("missing", slot, $"no {field.Name}", Stage.Fields, field.Name, d => d.Remove(field.Name));
            }

            foreach (var bad in field.Bad())
            {
                yield return new(bad.Category, slot, $"{field.Name}={bad.Label}", bad.Stage, bad.BodyLevel ? "body" : field.Name, d => d.Set(field.Name, bad.Token));
            }

            // A property given twice is malformed JSON, also when the second spells the name with an
            // escape. Same slot as the member's other mutations: a duplicate must not undo a removal.
            yield return new("duplicate", slot, $"{field.Name} twice", Stage.Parse, "body", d => d.Add(field.Name, field.Base(d.Serial)));
            string escaped = $"\\u{(int)field.Name[0]:x4}{field.Name[1..]}";
            yield return new("duplicate", slot, $"{field.Name} twice, escaped", Stage.Parse, "body", d => d.Add(escaped, field.Base(d.Serial)));
        }

        yield return new("duplicate", "member", "unknown member twice", Stage.Parse, "body", d =>
        {
            d.Add("x", "1");
            d.Add("x", "2");
        });

        var unknown = new List<(string RawName, string Key)>
        {
            ("x", "x"), ("credit", "credit"), ("", ""), ("__proto__", "__proto__"), ("$type", "$type"), ("a.b", "a.b"), ("é", "é"), ("\\u00e9", "é"),
            ("\\t", "\t"), ("\\u0000", "body"), ("a\\u0000", "body"),
        };
        if (fields.Count > 0)
        {
            string first = fields[0].Name;
            unknown.Add((char.ToUpperInvariant(first[0]) + first[1..], char.ToUpperInvariant(first[0]) + first[1..]));
            unknown.Add((first.ToUpperInvariant(), first.ToUpperInvariant()));
            unknown.Add((first + " ", first + " "));
            unknown.Add((" " + first, " " + first));
        }

        foreach (var (rawName, key) in unknown)
        {
            yield return new("unknown-member", "member", $"member \"{rawName}\"", Stage.Fields, key, d => d.Add(rawName, "1"));
        }

        // A name that is half of a surrogate pair is not text: the body is malformed (any object, any depth).
        foreach (string rawName in new[] { "\\ud800", "a\\udc00", "\\udbff\\udbff", "\\ude00\\ud83d" })
        {
            yield return new("unpaired-surrogate", "member", $"member \"{rawName}\"", Stage.Parse, "body", d => d.Add(rawName, "1"));
        }

        yield return new("invalid-utf8", "member", "member name with byte FF", Stage.Parse, "body", d => d.Add(BadValue.Bytes("\"a", new byte[] { 0xFF }, "\""), BadValue.Utf8("1")));
        yield return new("depth", "member", "member 40 arrays deep", Stage.Parse, "body", d => d.Add("deep", new string('[', 40) + new string(']', 40)));
        // The body object is the first level: 32 more is one past the bound.
        yield return new("depth", "member", "member 32 objects deep", Stage.Parse, "body", d => d.Add("deep", string.Concat(Enumerable.Repeat("{\"a\":", 32)) + "1" + new string('}', 32)));
        yield return new("depth", "member", "member 31 objects deep", Stage.Fields, "deep", d => d.Add("deep", string.Concat(Enumerable.Repeat("{\"a\":", 31)) + "1" + new string('}', 31)));
    }

    private static IEnumerable<Mutation> WholeBody(BodySpec body)
    {
        const string slot = "body";
        if (!body.EmptyIsObject)
        {
            // Where an empty body reads as {} (install commit, releases) it would be a valid request.
            yield return new("empty", slot, "no content", Stage.Parse, "body", d => d.NoContent = true);
            yield return new("empty", slot, "empty content", Stage.Parse, "body", d => d.BodyOverride = []);
        }

        foreach (string text in new[]
        {
            " ", " \r\n\t ", "[]", "[{}]", "\"x\"", "42", "-1.5", "null", "true", "false", "requestId=x&tier=core", "a=1&b=2", "<request/>",
            "{", "}", "{}}", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1 \"b\":2}", "\0", "{\0}",
        })
        {
            yield return new(text.StartsWith('{') || text.StartsWith('}') ? "malformed" : "body-shape", slot, $"body {BadValue.Shorten(text)}", Stage.Parse, "body",
                d => d.BodyOverride = BadValue.Utf8(text));
        }

        yield return new("body-shape", slot, "body wrapped in an array", Stage.Parse, "body", d => d.Transform = b => [(byte)'[', .. b, (byte)']']);
        yield return new("body-shape", slot, "body as a JSON string", Stage.Parse, "body",
            d => d.Transform = b => BadValue.Utf8(System.Text.Json.JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(b))));
        foreach (double fraction in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            yield return Truncate(fraction);
        }

        foreach (string garbage in new[] { "x", "{}", ",", "]", "}", "\0", "//c", "/*c*/", "\"s\"", "0", "\n{}", "\u00a0", "null" })
        {
            byte[] tail = BadValue.Utf8(garbage);
            yield return new("trailing-garbage", slot, $"then {BadValue.Shorten(garbage)}", Stage.Parse, "body", d => d.Transform = b => [.. b, .. tail]);
        }

        foreach (string garbage in new[] { "x", ",", "\0", "/*c*/", "//c\n", "[" })
        {
            byte[] head = BadValue.Utf8(garbage);
            yield return new("leading-garbage", slot, $"{BadValue.Shorten(garbage)} then the body", Stage.Parse, "body", d => d.Transform = b => [.. head, .. b]);
        }

        // One byte order mark may be ignored by a reader (RFC 8259 8.1); two never make JSON.
        byte[] twoMarks = [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF];
        yield return new("leading-garbage", slot, "two byte order marks then the body", Stage.Parse, "body", d => d.Transform = b => [.. twoMarks, .. b]);

        yield return new("invalid-utf8", slot, "a byte FF after the body", Stage.Parse, "body", d => d.Transform = b => [.. b, 0xFF]);
        yield return new("invalid-utf8", slot, "UTF-16 encoded", Stage.Parse, "body",
            d => d.Transform = b => System.Text.Encoding.Unicode.GetBytes(System.Text.Encoding.UTF8.GetString(b)));
        foreach (int size in new[] { body.MaxBytes + 1, body.MaxBytes + 4096, 2 * body.MaxBytes })
        {
            yield return new("oversized", slot, $"{size} bytes", Stage.Size, null, d => d.Transform = b => Pad(b, size));
        }

        // At the bound the body is read and judged: an unknown member fills it to exactly the bound.
        yield return new("at-bound", slot, $"exactly {body.MaxBytes} bytes", Stage.Fields, "pad", d => d.Transform = b => FillTo(b, body.MaxBytes));
        yield return new("oversized", slot, $"{body.MaxBytes + 1} bytes, one member", Stage.Size, null, d => d.Transform = b => FillTo(b, body.MaxBytes + 1));
    }

    public static Mutation Truncate(double fraction) =>
        new("truncated", "body", $"cut at {fraction:P0}", Stage.Parse, "body", d => d.Transform = b =>
        {
            int keep = Math.Clamp((int)(b.Length * fraction), 1, b.Length - 1);
            return b[..keep];
        });

    private static IEnumerable<Mutation> Neutral()
    {
        foreach (string type in ContentTypes)
        {
            yield return new("content-type", "ct", $"Content-Type: {type}", Stage.Fields, null, d => d.ContentType = type, Neutral: true);
        }

        yield return new("content-type", "ct", "no Content-Type", Stage.Fields, null, d => d.ContentType = null, Neutral: true);
        yield return new("chunked", "transfer", "no Content-Length", Stage.Fields, null, d => d.Chunked = true, Neutral: true);
    }

    /// <summary>Whitespace after the opening brace until the body is <paramref name="size"/> bytes: still the same JSON, just too large.</summary>
    public static byte[] Pad(byte[] body, int size)
    {
        var padded = new byte[Math.Max(size, body.Length)];
        padded[0] = body[0];
        Array.Fill(padded, (byte)' ', 1, padded.Length - body.Length);
        body.AsSpan(1).CopyTo(padded.AsSpan(1 + padded.Length - body.Length));
        return padded;
    }

    /// <summary>Adds an unknown member <c>pad</c> whose string makes the body exactly <paramref name="size"/> bytes.</summary>
    public static byte[] FillTo(byte[] body, int size)
    {
        bool empty = body.Length == 2;
        byte[] head = BadValue.Utf8(empty ? "\"pad\":\"" : ",\"pad\":\"");
        int fill = size - body.Length - head.Length - 1;
        var result = new byte[size];
        body.AsSpan(0, body.Length - 1).CopyTo(result);
        head.CopyTo(result, body.Length - 1);
        Array.Fill(result, (byte)'a', body.Length - 1 + head.Length, fill);
        result[^2] = (byte)'"';
        result[^1] = (byte)'}';
        return result;
    }
}
