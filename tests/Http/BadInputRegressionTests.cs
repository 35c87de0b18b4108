using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// Bad inputs the generated barrage (<see cref="BadInputTests"/>) found answered with a 500 or
/// accepted, each pinned on its own: half of a UTF-16 surrogate pair escaped in a string or a
/// member name, bytes that are not UTF-8, and a NUL after a number or a time in a query.
/// </summary>
public sealed class BadInputRegressionTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Relay = ClusterFixture.RelayKey;
    private const string Admin = ClusterFixture.AdminKey;
    private readonly string _id = $"regress-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    private string Event(string gatewayRequestId = "\"gw-1\"", string occurredAt = "\"2026-11-23T10:00:00Z\"", string charge = "\"0.01\"", string extra = "") =>
        $$"""{"gatewayRequestId":{{gatewayRequestId}},"tenantId":"{{_id}}","deploymentId":"d1","occurredAt":{{occurredAt}},"inputTokens":1,"outputTokens":1,"customerCharge":{{charge}}{{extra}}}""";

    public static TheoryData<string, string, string> SurrogateInAString() => new()
    {
        // route (under the test's account), body with "\ud800" in one string, the member named
        { "/v1/installs/{id}/reservations", """{"requestId":"\ud800","tier":"core","hasHardware":false}""", "requestId" },
        { "/v1/installs/{id}/reservations", """{"requestId":"r1","tier":"co\udc00re","hasHardware":false}""", "tier" },
        { "/v1/installs/{id}/reservations/r1/commit", """{"backend":"\ud83d"}""", "backend" },
        { "/v1/pools/{id}/reservations", """{"requestId":"r1","reserveMicros":0,"usageType":"a\ud800b"}""", "usageType" },
        { "/v1/pools/{id}/usage", """{"requestId":"r1","usageType":"chat","costMicros":0,"promptTokens":0,"completionTokens":0,"model":"\udfff"}""", "model" },
        { "/v1/admin/pools/{id}/grants", """{"grantId":"g1","micros":1,"note":"\ud800"}""", "note" },
        { "/v1/ports/{id}/usage", """{"requestId":"u1","inputTokens":1,"outputTokens":1,"provider":"\ud800","model":"m","feature":"f"}""", "provider" },
        { "/v1/usage-events", """{"gatewayRequestId":"g","tenantId":"t","deploymentId":"d","occurredAt":"\ud800","inputTokens":1,"outputTokens":1,"customerCharge":"0.01"}""", "occurredAt" },
        { "/v1/usage-events", """{"gatewayRequestId":"g","tenantId":"t","deploymentId":"d","occurredAt":"2026-11-23T10:00:00Z","inputTokens":1,"outputTokens":1,"customerCharge":"\ud800"}""", "customerCharge" },
    };

    [Theory]
    [MemberData(nameof(SurrogateInAString))]
    public async Task UnpairedSurrogateInAString_Is400OnThatMember_NotA500(string route, string json, string member)
    {
        var (status, body, type) = await Http.Send(HttpMethod.Post, route.Replace("{id}", _id, StringComparison.Ordinal), Admin, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal([member], body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task UnpairedSurrogateInABatchEvent_IsThatEventsOwnProblem_NotA500()
    {
        string batch = $$"""{"events":[{{Event("\"\\ud800\"")}},{{Event(extra: ",\"x\":1")}}]}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", Relay, batch);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["gatewayRequestId"], results[0].GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["x"], results[1].GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Empty((await Invoice()).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"\ud800":1}""")]
    [InlineData("""{"a\udc00":1,"requestId":"r1","tier":"core","hasHardware":false}""")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"x":{"y":{"\udbff":1}}}""")]
    public async Task UnpairedSurrogateInAMemberName_IsMalformedJson_NotA500(string json)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, $"/v1/installs/{_id}/reservations", Relay, json);
        var install = await Http.Send(HttpMethod.Get, $"/v1/installs/{_id}", Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("malformed JSON", body.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, install.Body.GetProperty("reserved").GetInt64());
    }

    [Theory]
    [InlineData("/v1/pools/{id}/reservations/r1/commit", """{"actualMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"\ud800":1}}""")]
    [InlineData("/v1/usage-events/batch", """{"events":[{"\ud800":1}]}""")]
    public async Task UnpairedSurrogateInANestedMemberName_IsMalformedJson_NotA500(string route, string json)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, route.Replace("{id}", _id, StringComparison.Ordinal), Relay, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("body", out _), body.GetRawText());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]              // never a UTF-8 byte
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]  // a surrogate, encoded
    [InlineData(new byte[] { 0xC0, 0xAF })]        // an overlong '/'
    [InlineData(new byte[] { 0xE6, 0x97 })]        // a sequence cut short
    public async Task BytesThatAreNotUtf8_AreMalformedJson_NotA500(byte[] bad)
    {
        byte[] json = Encoding.UTF8.GetBytes(Event("\"gw-X\""));
        int at = Array.IndexOf(json, (byte)'X');
        byte[] body = [.. json[..at], .. bad, .. json[(at + 1)..]];

        var (status, problem) = await SendBytes("/v1/usage-events", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("malformed JSON: the body is not valid UTF-8", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Empty((await Invoice()).EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/admin/installs?limit=1%00", "limit")]
    [InlineData("/v1/admin/installs?limit=10%00%00", "limit")]
    [InlineData("/v1/pools/{id}/usage?limit=5%00", "limit")]
    [InlineData("/v1/pools/{id}/usage?from=2026-11-23T00:00:00Z%00", "from")]
    [InlineData("/v1/pools/{id}/usage?to=2026-11-23%00", "to")]
    public async Task NulAfterANumberOrATimeInTheQuery_Is400(string path, string field)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Get, path.Replace("{id}", _id, StringComparison.Ordinal), Admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([field], body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    private async Task<JsonElement> Invoice() =>
        (await Http.Send(HttpMethod.Get, $"/v1/tenants/{_id}/invoice-lines?periodStart=2026-11-01&periodEnd=2026-11-30", Relay)).Body;

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendBytes(string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Relay);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
