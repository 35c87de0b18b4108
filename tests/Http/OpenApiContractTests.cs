using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// The OpenAPI document against docs/api.md, read as a client generator would: every documented
/// route, request member (with its requiredness and bounds), query parameter, scope and problem
/// code is in <c>/openapi/v1.json</c>; and the reference page is served without a CDN.
/// </summary>
public sealed partial class OpenApiContractTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly Lazy<string> ApiDoc = new(() => File.ReadAllText(RepoPaths.Of("docs/api.md")));

    [Fact]
    public async Task EveryDocumentedRoute_BodyMember_QueryParameter_AndScope_IsInTheDocument()
    {
        using var document = await OpenApiAsync();
        var paths = document.RootElement.GetProperty("paths");
        var routes = DocumentedRoutes().ToList();
        Assert.True(routes.Count >= 30, $"found {routes.Count} routes in docs/api.md");
        Assert.True(routes.Sum(r => r.Members.Count) >= 60, "the member tables of docs/api.md were read");
        Assert.True(routes.Count(r => r.Scope is not null) >= 30, "the scope lines of docs/api.md were read");

        var missing = new List<string>();
        foreach (var route in routes)
        {
            if (!paths.TryGetProperty(route.Path, out var path) || !path.TryGetProperty(route.Method.ToLowerInvariant(), out var operation))
            {
                missing.Add($"{route.Method} {route.Path}: no operation");
                continue;
            }

            foreach (string query in route.Query)
            {
                bool found = operation.TryGetProperty("parameters", out var parameters)
                    && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == query && p.GetProperty("in").GetString() == "query");
                if (!found)
                {
                    missing.Add($"{route.Method} {route.Path}: query parameter {query}");
                }
            }

            if (route.Scope is { } scope && (!operation.TryGetProperty("x-scope", out var declared) || declared.GetString() != scope))
            {
                missing.Add($"{route.Method} {route.Path}: scope {scope}");
            }

            if (route.Path.StartsWith("/v1/", StringComparison.Ordinal) && !operation.TryGetProperty("security", out _))
            {
                missing.Add($"{route.Method} {route.Path}: no security requirement");
            }

            if (route.Members.Count == 0)
            {
                continue;
            }

            if (!operation.TryGetProperty("requestBody", out var requestBody))
            {
                missing.Add($"{route.Method} {route.Path}: no request body");
                continue;
            }

            var schema = Resolve(document.RootElement, requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
            foreach (var member in route.Members)
            {
                if (!schema.GetProperty("properties").TryGetProperty(member.Name, out var property))
                {
                    missing.Add($"{route.Method} {route.Path}: body member {member.Name}");
                    continue;
                }

                if (member.Required != required.Contains(member.Name))
                {
                    missing.Add($"{route.Method} {route.Path}: {member.Name} required should be {member.Required}");
                }

                if (member.Maximum is { } max && !HasBound(property, "maximum", max) && !HasBound(property, "maxLength", max))
                {
                    missing.Add($"{route.Method} {route.Path}: {member.Name} bound {max}");
                }

                if (member.IsIdentifier && !property.TryGetProperty("pattern", out _))
                {
                    missing.Add($"{route.Method} {route.Path}: {member.Name} identifier pattern");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task EveryDocumentedProblemCode_IsInTheProblemSchema_WithErrorsAndTraceId()
    {
        using var document = await OpenApiAsync();
        var problem = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ProblemSchema");
        var properties = problem.GetProperty("properties");
        var codes = properties.GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()).ToHashSet();
        var documented = ErrorRow().Matches(ApiDoc.Value).Select(m => m.Groups["code"].Value).Distinct().ToList();

        Assert.True(documented.Count >= 15, $"found {documented.Count} codes in docs/api.md");
        var undocumented = documented.Where(c => !codes.Contains(c)).ToList();
        Assert.Empty(undocumented);
        foreach (string member in new[] { "type", "title", "status", "detail", "code", "errors", "traceId", "usedMicros", "remainingMicros", "capTokens", "geminiRemaining" })
        {
            Assert.True(properties.TryGetProperty(member, out _), $"problem member {member}");
        }

        // Each route's problems are that schema, as application/problem+json.
        var reserve = document.RootElement.GetProperty("paths").GetProperty("/v1/pools/{poolId}/reservations").GetProperty("post").GetProperty("responses");
        var refusal = reserve.GetProperty("402").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
        Assert.Equal("#/components/schemas/ProblemSchema", refusal.GetProperty("$ref").GetString());
    }

    /// <summary>
    /// The generated HTTP client (http-client/) is built from http-client/openapi.json, which must be
    /// the document client-api serves. With METERING_UPDATE_OPENAPI=1 (scripts/generate-client.sh)
    /// this writes the served document there instead of comparing, the way snapshot tests accept.
    /// </summary>
    [Fact]
    public async Task TheCheckedInDocument_IsTheServedOne()
    {
        var response = await Fixture.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        string served = Normalized(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        string file = RepoPaths.Of("http-client/openapi.json");
        if (Environment.GetEnvironmentVariable("METERING_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(file, served, TestContext.Current.CancellationToken);
        }

        Assert.True(
            File.Exists(file) && Normalized(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)) == served,
            "http-client/openapi.json is not the document client-api serves: run scripts/generate-client.sh and commit what it changes");
    }

    [Fact]
    public async Task TheBearerScheme_IsDeclared()
    {
        using var document = await OpenApiAsync();
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task TheReferencePage_IsServed_WithItsScriptFromThisServer()
    {
        var page = await Fixture.Http.GetAsync("/reference/v1", TestContext.Current.CancellationToken);
        string html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var script = ScriptSource().Match(html);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.True(script.Success, "the page loads a script");
        string src = script.Groups["src"].Value;
        Assert.DoesNotContain("://", src, StringComparison.Ordinal);
        var js = await Fixture.Http.GetAsync(new Uri(new Uri("http://localhost/reference/v1"), src), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 100_000, "the reference script itself");
    }

    private async Task<JsonDocument> OpenApiAsync()
    {
        var response = await Fixture.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The document indented, with a final newline: what is checked in.</summary>
    private static string Normalized(string json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference))
        {
            return schema;
        }

        string name = reference.GetString()!["#/components/schemas/".Length..];
        return root.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }

    private static bool HasBound(JsonElement property, string keyword, double value)
    {
        if (property.TryGetProperty(keyword, out var bound))
        {
            return bound.ValueKind == JsonValueKind.Number ? bound.GetDouble() == value
                : bound.ValueKind == JsonValueKind.String && double.TryParse(bound.GetString(), System.Globalization.CultureInfo.InvariantCulture, out double parsed) && parsed == value;
        }

        // A nullable member: the bound sits on the non-null alternative.
        return property.TryGetProperty("oneOf", out var alternatives) && alternatives.EnumerateArray().Any(a => HasBound(a, keyword, value));
    }

    /// <summary>Each "### Title: `METHOD /path?query`" of docs/api.md, with its scope line and its member table.</summary>
    private static IEnumerable<DocumentedRoute> DocumentedRoutes()
    {
        string[] lines = ApiDoc.Value.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var heading = RouteHeading().Match(lines[i]);
            if (!heading.Success)
            {
                continue;
            }

            string target = heading.Groups["target"].Value;
            string path = target.Split('?')[0];
            var query = target.Contains('?', StringComparison.Ordinal)
                ? target.Split('?')[1].Split('&').Select(q => q.Split('=')[0]).Where(q => q.Length > 0).ToList()
                : [];
            string? scope = null;
            var members = new List<DocumentedMember>();
            for (int j = i + 1; j < lines.Length && !lines[j].StartsWith("##", StringComparison.Ordinal); j++)
            {
                if (scope is null && ScopeLine().Match(lines[j]) is { Success: true } s)
                {
                    scope = s.Groups["scope"].Value;
                }

                if (lines[j].StartsWith("| member |", StringComparison.Ordinal))
                {
                    var columns = lines[j].Split('|').Select(c => c.Trim()).ToList();
                    int requiredColumn = columns.IndexOf("required");
                    for (int k = j + 2; k < lines.Length && lines[k].StartsWith('|'); k++)
                    {
                        var cells = lines[k].Replace("\\|", "/", StringComparison.Ordinal).Split('|').Select(c => c.Trim()).ToList();
                        string name = cells[1].Trim('`');
                        bool required = requiredColumn > 0 && cells[requiredColumn] == "yes";
                        members.Add(new DocumentedMember(name, required, MaximumOf(lines[k]), cells[2] == "identifier"));
                    }

                    break;
                }
            }

            yield return new DocumentedRoute(heading.Groups["method"].Value, path, query, scope, members);
        }
    }

    /// <summary>"0 to 10^15", "1 to 86400", "1 to 128 characters": the upper bound a row states, if any.</summary>
    private static double? MaximumOf(string row)
    {
        var match = UpperBound().Match(row);
        if (!match.Success)
        {
            return null;
        }

        string text = match.Groups["max"].Value.Replace(",", "", StringComparison.Ordinal);
        return text.StartsWith("10^", StringComparison.Ordinal) ? Math.Pow(10, int.Parse(text[3..], System.Globalization.CultureInfo.InvariantCulture))
            : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^###? [^`]*`(?<method>GET|POST|PUT|DELETE) (?<target>/[^`]+)`")]
    private static partial Regex RouteHeading();

    [GeneratedRegex(@"^Scope `(?<scope>relay|admin)`")]
    private static partial Regex ScopeLine();

    [GeneratedRegex(@"\| \d+ to (?<max>10\^\d+|[\d,]+)")]
    private static partial Regex UpperBound();

    [GeneratedRegex(@"^\| \d{3} \| `(?<code>[a-z_-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ErrorRow();

    [GeneratedRegex("<script[^>]*src=\"(?<src>[^\"]+)\"")]
    private static partial Regex ScriptSource();

    private sealed record DocumentedRoute(string Method, string Path, List<string> Query, string? Scope, List<DocumentedMember> Members);

    private sealed record DocumentedMember(string Name, bool Required, double? Maximum, bool IsIdentifier);
}
