using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// The admin lists (docs/api.md "Admin views"): pools, ports and tenants paged by id, a pool's
/// grants and a port's budget history, with every error code they can answer. The lists are
/// shared with other tests' accounts, so each test pages from a prefix of its own.
/// </summary>
public sealed class AdminListHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _prefix = $"av-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    [Fact]
    public async Task Pools_ArePagedById_WithTheirBalance()
    {
        foreach (string suffix in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_prefix}-{suffix}", Admin, """{"limitMicros":1000}""")).Status);
        }

        await Http.Send(HttpMethod.Post, $"/v1/pools/{_prefix}-a/reservations", Relay, """{"requestId":"r1","reserveMicros":300,"usageType":"chat"}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{_prefix}-a/reservations", Relay, """{"requestId":"r2","reserveMicros":100,"usageType":"chat"}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{_prefix}-a/reservations/r1/commit", Relay, """{"actualMicros":250,"promptTokens":1,"completionTokens":1,"model":"m"}""");

        var first = await Http.Send(HttpMethod.Get, $"/v1/admin/pools?limit=2&after={_prefix}", Admin);
        var second = await Http.Send(HttpMethod.Get, $"/v1/admin/pools?limit=2&after={first.Body.GetProperty("next").GetString()}", Admin);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(
            $$"""{"items":[{"poolId":"{{_prefix}}-a","usedMicros":250,"reservedMicros":100,"limitMicros":1000,"remainingMicros":650},{"poolId":"{{_prefix}}-b","usedMicros":0,"reservedMicros":0,"limitMicros":1000,"remainingMicros":1000}],"next":"{{_prefix}}-b"}""",
            first.Body.GetRawText());
        Assert.Equal($"{_prefix}-c", second.Body.GetProperty("items")[0].GetProperty("poolId").GetString());
    }

    [Fact]
    public async Task Ports_ShowBudgetAndCurrentPeriodUsage_AndTheSoftCap()
    {
        string port = $"{_prefix}-p";
        await Http.Send(HttpMethod.Put, $"/v1/ports/{port}/budget", Admin, """{"enabled":true,"softCapTokens":100,"hardCapTokens":1000,"period":"week"}""");
        await Http.Send(HttpMethod.Post, $"/v1/ports/{port}/usage", Relay, """{"requestId":"u1","inputTokens":100,"outputTokens":50,"provider":"p","model":"m","feature":"chat"}""");
        await Http.Send(HttpMethod.Post, $"/v1/ports/{port}/reservations", Relay, """{"requestId":"r1","estimatedTokens":20,"feature":"chat"}""");

        var page = await Http.Send(HttpMethod.Get, $"/v1/admin/ports?limit=1&after={_prefix}", Admin);
        var single = await Http.Send(HttpMethod.Get, $"/v1/ports/{port}", Relay);

        var item = Assert.Single(page.Body.GetProperty("items").EnumerateArray());
        // The list says what the port itself says.
        Assert.Equal(single.Body.GetRawText(), item.GetRawText());
        Assert.Equal(150, item.GetProperty("usedTokens").GetInt64());
        Assert.Equal(20, item.GetProperty("reservedTokens").GetInt64());
        Assert.Equal(830, item.GetProperty("remaining").GetInt64());
        Assert.True(item.GetProperty("softCap").GetBoolean());
        Assert.Equal("2026-11-23T00:00:00.000Z", item.GetProperty("periodStart").GetString());
    }

    [Fact]
    public async Task Tenants_WithUsageEvents_ArePagedById()
    {
        foreach (string tenant in new[] { "t2", "t1", "t3" })
        {
            var recorded = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay, Event($"{_prefix}-{tenant}", "g1", "d1", "2026-11-23T10:00:00Z", "0.01"));
            Assert.Equal(HttpStatusCode.Created, recorded.Status);
        }

        var first = await Http.Send(HttpMethod.Get, $"/v1/admin/tenants?limit=2&after={_prefix}", Admin);
        var second = await Http.Send(HttpMethod.Get, $"/v1/admin/tenants?limit=2&after={_prefix}-t2", Admin);

        Assert.Equal($$"""{"items":[{"tenantId":"{{_prefix}}-t1"},{"tenantId":"{{_prefix}}-t2"}],"next":"{{_prefix}}-t2"}""", first.Body.GetRawText());
        Assert.Equal($"{_prefix}-t3", second.Body.GetProperty("items")[0].GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Grants_AreListedOnce_EvenWhenReplayed()
    {
        string pool = $"{_prefix}-g";
        await Http.Send(HttpMethod.Post, $"/v1/admin/pools/{pool}/grants", Admin, """{"grantId":"g-2","micros":500,"note":"top-up"}""");
        await Http.Send(HttpMethod.Post, $"/v1/admin/pools/{pool}/grants", Admin, """{"grantId":"g-1","micros":200}""");
        var replay = await Http.Send(HttpMethod.Post, $"/v1/admin/pools/{pool}/grants", Admin, """{"grantId":"g-1","micros":200}""");

        var first = await Http.Send(HttpMethod.Get, $"/v1/admin/pools/{pool}/grants?limit=1", Admin);
        var rest = await Http.Send(HttpMethod.Get, $"/v1/admin/pools/{pool}/grants?after=g-1", Admin);

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        var g1 = Assert.Single(first.Body.GetProperty("items").EnumerateArray());
        Assert.Equal(["poolId", "grantId", "micros", "note", "limitMicros", "usedMicros", "reservedMicros", "remainingMicros", "grantedAt"], g1.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("g-1", 200L, 700L), (g1.GetProperty("grantId").GetString(), g1.GetProperty("micros").GetInt64(), g1.GetProperty("limitMicros").GetInt64()));
        Assert.Equal("g-1", first.Body.GetProperty("next").GetString());
        var g2 = Assert.Single(rest.Body.GetProperty("items").EnumerateArray());
        Assert.Equal(("g-2", "top-up"), (g2.GetProperty("grantId").GetString(), g2.GetProperty("note").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.Body.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task BudgetChanges_AreNewestFirst_WithWhoAndWhen()
    {
        string port = $"{_prefix}-b";
        await Http.Send(HttpMethod.Put, $"/v1/ports/{port}/budget", Admin, """{"enabled":true}""");
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await Http.Send(HttpMethod.Put, $"/v1/ports/{port}/budget", Admin, """{"softCapTokens":10,"hardCapTokens":20,"period":"day"}""");

        var first = await Http.Send(HttpMethod.Get, $"/v1/admin/ports/{port}/budget-changes?limit=1", Admin);
        var second = await Http.Send(HttpMethod.Get, $"/v1/admin/ports/{port}/budget-changes?limit=1&after={first.Body.GetProperty("next").GetString()}", Admin);

        Assert.Equal(
            """{"items":[{"seq":2,"changedBy":"admin","changedAt":"2026-11-23T12:05:00.000Z","enabled":true,"softCapTokens":10,"hardCapTokens":20,"period":"day"}],"next":"2"}""",
            first.Body.GetRawText());
        Assert.Equal(
            """{"items":[{"seq":1,"changedBy":"admin","changedAt":"2026-11-23T12:00:00.000Z","enabled":true,"softCapTokens":100000,"hardCapTokens":500000,"period":"month"}],"next":null}""",
            second.Body.GetRawText());
    }

    [Theory]
    [InlineData("/v1/admin/pools")]
    [InlineData("/v1/admin/ports")]
    [InlineData("/v1/admin/tenants")]
    [InlineData("/v1/admin/overview")]
    [InlineData("/v1/admin/pools/p1/grants")]
    [InlineData("/v1/admin/ports/p1/budget-changes")]
    public async Task AdminViews_RefuseMissingUnknownRelayAndPrefixKeys(string path)
    {
        var none = await Http.Send(HttpMethod.Get, path, null);
        var unknown = await Http.Send(HttpMethod.Get, path, "no-such-key");
        var relay = await Http.Send(HttpMethod.Get, path, Relay);
        var prefixed = await Http.Send(HttpMethod.Get, path, ClusterFixture.PrefixKey);

        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized", "application/problem+json"), (none.Status, none.Body.Code(), none.ContentType));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (unknown.Status, unknown.Body.Code()));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (relay.Status, relay.Body.Code()));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (prefixed.Status, prefixed.Body.Code()));
    }

    [Theory]
    [InlineData("/v1/admin/pools?limit=0", "limit")]
    [InlineData("/v1/admin/pools?limit=1001", "limit")]
    [InlineData("/v1/admin/ports?limit=x", "limit")]
    [InlineData("/v1/admin/tenants?after=a%20b", "after")]
    [InlineData("/v1/admin/pools/bad%20id/grants", "poolId")]
    [InlineData("/v1/admin/ports/p1/budget-changes?after=abc", "after")]
    [InlineData("/v1/admin/ports/p1/budget-changes?after=-1", "after")]
    public async Task AdminViews_RejectBadPagingAndIds(string path, string field)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Get, path, Admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.Code());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
    }

    [Fact]
    public async Task Lists_AtTheLargestPage_Answer()
    {
        var (status, body, _) = await Http.Send(HttpMethod.Get, "/v1/admin/pools?limit=1000", Admin);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("items").GetArrayLength() <= 1000);
    }

    private static string Event(string tenant, string id, string deployment, string at, string charge) =>
        $$"""{"gatewayRequestId":"{{id}}","tenantId":"{{tenant}}","deploymentId":"{{deployment}}","occurredAt":"{{at}}","inputTokens":10,"outputTokens":5,"customerCharge":"{{charge}}"}""";
}
