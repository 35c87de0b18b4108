using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>The HTTP contract of usage events and invoice lines, every error code included.</summary>
public sealed class UsageHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    private string EventJson(string id, string charge = "\"0.0015\"", string? tenant = null, string occurredAt = "2026-04-10T08:00:00Z", string extra = "") =>
        $$"""{"gatewayRequestId":"{{id}}","tenantId":"{{tenant ?? _tenant}}","deploymentId":"dep-1","occurredAt":"{{occurredAt}}","inputTokens":100,"outputTokens":50,"customerCharge":{{charge}}{{extra}}}""";

    private Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> Invoice(string query, string? key = Relay) =>
        Http.Send(HttpMethod.Get, $"/v1/tenants/{_tenant}/invoice-lines?{query}", key);

    [Fact]
    public async Task SingleEvent_201Recorded_Then200Duplicate()
    {
        var first = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("g1", "\"1.005\""));
        var again = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("g1", "\"1.005\""));
        var lines = await Invoice("periodStart=2026-04-01&periodEnd=2026-04-30");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("""{"result":"recorded"}""", first.Body.GetRawText());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("""{"result":"duplicate"}""", again.Body.GetRawText());
        Assert.Equal(
            """[{"deploymentId":"dep-1","kind":"llm_usage","resourceKind":"llm_tokens","description":"LLM tokens — 100 in / 50 out (1 requests)","qty":150,"unit":"token","unitPriceCents":null,"amountCents":101,"meta":{"inputTokens":100,"outputTokens":50,"requests":1}}]""",
            lines.Body.GetRawText());
    }

    [Theory]
    [InlineData("0.0015", "customerCharge")]                 // a JSON number: money must be a string
    [InlineData("\"0.12345678901\"", "customerCharge")]      // 11 fractional digits
    [InlineData("\"1e3\"", "customerCharge")]
    [InlineData("\"12.\"", "customerCharge")]
    [InlineData("\"+1\"", "customerCharge")]
    [InlineData("\"1234567890123456789\"", "customerCharge")] // 19 integer digits
    [InlineData("\"1000000000\"", "customerCharge")]          // a billion dollars: past the bound
    [InlineData("\"1.5\\n\"", "customerCharge")]               // a trailing line break
    [InlineData("\"abc\"", "customerCharge")]
    public async Task BadCharge_Is400AndRecordsNothing(string charge, string field)
    {
        var (status, body, type) = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("g1", charge));
        var lines = await Invoice("periodStart=2026-04-01&periodEnd=2026-04-30");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Empty(lines.Body.EnumerateArray());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-04-10")]
    [InlineData("2026-13-10T00:00:00Z")]
    [InlineData("2026-04-10T00:00:00Z\\n")]
    public async Task BadOccurredAt_Is400(string occurredAt)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("g1", occurredAt: occurredAt));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("occurredAt", out _));
    }

    [Fact]
    public async Task Batch_MixedEvents_OneResultEachInOrder()
    {
        await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("dup"));
        string batch = $$"""{"events":[{{EventJson("a")}},{{EventJson("dup")}},{{EventJson("b", "1.5")}},42,{{EventJson("c", extra: ",\"x\":1")}},{{EventJson("a")}},{{EventJson("d")}}]}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", Relay, batch);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(7, results.Count);
        Assert.Equal("recorded", results[0].GetString());
        Assert.Equal("duplicate", results[1].GetString());
        Assert.Equal("invalid_request", results[2].Code());
        Assert.True(results[2].GetProperty("errors").TryGetProperty("customerCharge", out _));
        Assert.Equal("invalid_request", results[3].Code());
        Assert.True(results[4].GetProperty("errors").TryGetProperty("x", out _));
        Assert.Equal("duplicate", results[5].GetString()); // the same key twice in one batch records once
        Assert.Equal("recorded", results[6].GetString());
        // An event's problem has every member of a problem answer, the request's traceId too.
        Assert.All([results[2], results[3], results[4]], p => Assert.Matches("^[0-9a-f]{32}$|^[^ ]+:[^ ]+$", p.GetProperty("traceId").GetString()));
        Assert.Single(results.Where(r => r.ValueKind == JsonValueKind.Object).Select(r => r.GetProperty("traceId").GetString()).Distinct());
    }

    [Fact]
    public async Task Batch_PrefixKey_ForbidsOtherTenantsEventByEvent()
    {
        string batch = $$"""{"events":[{{EventJson("p1", tenant: "acme-x")}},{{EventJson("p2")}}]}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", ClusterFixture.PrefixKey, batch);
        var single = await Http.Send(HttpMethod.Post, "/v1/usage-events", ClusterFixture.PrefixKey, EventJson("p3"));
        var invoice = await Invoice("periodStart=2026-04-01&periodEnd=2026-04-30", ClusterFixture.PrefixKey);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("recorded", results[0].GetString());
        Assert.Equal("forbidden", results[1].Code());
        Assert.Equal(403, results[1].GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, single.Status);
        Assert.Equal(HttpStatusCode.Forbidden, invoice.Status);
    }

    [Theory]
    [InlineData("""{"events":[]}""")]
    [InlineData("""{"events":{}}""")]
    [InlineData("""{}""")]
    [InlineData("""{"events":[1],"more":true}""")]
    public async Task Batch_BadShape_Is400(string json)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", Relay, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.Code());
    }

    [Fact]
    public async Task Batch_OverAThousandEvents_Is400_AndOver1MiB_Is413()
    {
        string many = $$"""{"events":[{{string.Join(",", Enumerable.Range(0, 1001).Select(i => EventJson($"m{i}")))}}]}""";
        string huge = $$"""{"events":[{{EventJson("h1")}}],"pad":"{{new string('x', 1_100_000)}}"}""";

        var tooMany = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", Relay, many);
        var tooBig = await Http.Send(HttpMethod.Post, "/v1/usage-events/batch", Relay, huge);
        var singleTooBig = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, EventJson("s1", extra: $",\"pad\":\"{new string('x', 70_000)}\""));

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.Status);
        Assert.Equal("payload_too_large", tooBig.Body.Code());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, singleTooBig.Status);
    }

    [Theory]
    [InlineData("periodStart=2026-04-02&periodEnd=2026-04-01", "periodEnd")]
    [InlineData("periodStart=2026-04-01", "periodEnd")]
    [InlineData("periodStart=04/01/2026&periodEnd=2026-04-30", "periodStart")]
    [InlineData("periodStart=2026-04-01&periodEnd=2026-02-30", "periodEnd")]
    public async Task Invoice_BadPeriod_Is400(string query, string field)
    {
        var (status, body, _) = await Invoice(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
    }

    [Fact]
    public async Task Invoice_NoKey_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Invoice("periodStart=2026-04-01&periodEnd=2026-04-30", key: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.Send(HttpMethod.Post, "/v1/usage-events", null, EventJson("n1"))).Status);
    }
}
