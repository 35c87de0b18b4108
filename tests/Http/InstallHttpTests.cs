using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>The HTTP contract of installs and the conventions, every error code included.</summary>
public sealed class InstallHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _install = $"http-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    private string Reservations => $"/v1/installs/{_install}/reservations";

    [Fact]
    public async Task Reserve_Answers201WithTheContractsFields_ThenReplays200WithTheSameBody()
    {
        const string body = """{"requestId":"r1","tier":"core","hasHardware":false,"credits":2}""";

        var first = await Http.Send(HttpMethod.Post, Reservations, Relay, body);
        var again = await Http.Send(HttpMethod.Post, Reservations, Relay, body);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(
            ["requestId", "state", "backend", "credits", "remaining", "geminiRemaining", "capped", "expiresAt"],
            first.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("reserved", first.Body.GetProperty("state").GetString());
        Assert.Equal("gemini", first.Body.GetProperty("backend").GetString());
        Assert.Equal(98, first.Body.GetProperty("remaining").GetInt64());
        Assert.Equal(JsonValueKind.Null, first.Body.GetProperty("geminiRemaining").ValueKind);
        Assert.Equal("lifetime", first.Body.GetProperty("capped").GetString());
        Assert.EndsWith("Z", first.Body.GetProperty("expiresAt").GetString());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
    }

    [Fact]
    public async Task Lifecycle_CommitReleaseAndReads()
    {
        await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"a","tier":"pro","hasHardware":true}""");
        await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"b","tier":"pro","hasHardware":true,"ttlSeconds":60}""");

        var commit = await Http.Send(HttpMethod.Post, $"{Reservations}/a/commit", Relay, """{"backend":"hardware","credits":4}""");
        var commitAgain = await Http.Send(HttpMethod.Post, $"{Reservations}/a/commit", Relay, """{"backend":"hardware","credits":4}""");
        var release = await Http.Send(HttpMethod.Post, $"{Reservations}/b/release", Relay);
        var view = await Http.Send(HttpMethod.Get, $"{Reservations}/a", Relay);
        var account = await Http.Send(HttpMethod.Get, $"/v1/installs/{_install}", Relay);

        Assert.Equal(HttpStatusCode.OK, commit.Status);
        Assert.Equal("committed", commit.Body.GetProperty("state").GetString());
        Assert.Equal("hardware", commit.Body.GetProperty("backend").GetString());
        Assert.False(commit.Body.GetProperty("late").GetBoolean());
        Assert.Equal(commit.Body.GetRawText(), commitAgain.Body.GetRawText());
        Assert.Equal(HttpStatusCode.OK, release.Status);
        Assert.Equal("released", release.Body.GetProperty("state").GetString());
        Assert.Equal("committed", view.Body.GetProperty("state").GetString());
        Assert.Equal(4, view.Body.GetProperty("committedCredits").GetInt64());
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Equal(
            ["installId", "tier", "lifetimeConsumed", "lifetimeGeminiConsumed", "month", "monthlyConsumed",
             "monthlyGeminiConsumed", "reserved", "remaining", "geminiRemaining", "capped", "lastActiveAt"],
            account.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("pro", account.Body.GetProperty("tier").GetString());
        Assert.Equal(4, account.Body.GetProperty("monthlyConsumed").GetInt64());
        Assert.Equal(0, account.Body.GetProperty("monthlyGeminiConsumed").GetInt64());
        Assert.Equal(996, account.Body.GetProperty("remaining").GetInt64());
    }

    [Theory]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false""", "body")]                          // malformed
    [InlineData("""{"requestId":"r1","requestId":"r2","tier":"core","hasHardware":false}""", "body")]       // duplicate
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"credits":"5"}""", "credits")]       // string for integer
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"credits":1.5}""", "credits")]       // fraction
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"credits":-1}""", "credits")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"credits":1000000000000001}""", "credits")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"ttlSeconds":0}""", "ttlSeconds")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"ttlSeconds":86401}""", "ttlSeconds")]
    [InlineData("""{"requestId":"r\u0000","tier":"core","hasHardware":false}""", "requestId")]             // NUL
    [InlineData("""{"requestId":"r1","tier":"co\u0000re","hasHardware":false}""", "tier")]
    [InlineData("""{"requestId":"r 1","tier":"core","hasHardware":false}""", "requestId")]
    [InlineData("""{"tier":"core","hasHardware":false}""", "requestId")]                                  // missing
    [InlineData("""{"requestId":"r1","tier":"gold","hasHardware":false}""", "tier")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":"yes"}""", "hasHardware")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":false,"credit":5}""", "credit")]           // unknown member
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"requestId":"r1","tier":"core","hasHardware":null}""", "hasHardware")]
    public async Task BadInput_Is400WithTheFieldNamed_AndChangesNothing(string json, string field)
    {
        var (status, body, type) = await Http.Send(HttpMethod.Post, Reservations, Relay, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("invalid_request", body.Code());
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("title", out _));
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        var account = await Http.Send(HttpMethod.Get, $"/v1/installs/{_install}", Relay);
        Assert.Equal(JsonValueKind.Null, account.Body.GetProperty("lastActiveAt").ValueKind);
        Assert.Equal(0, account.Body.GetProperty("reserved").GetInt64());
    }

    [Theory]
    [InlineData("/v1/installs/bad%20id")]
    [InlineData("/v1/installs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/v1/installs/a%2Fb")]
    public async Task BadIdentifierInThePath_Is400(string path)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Get, path, Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.Code());
    }

    [Fact]
    public async Task Refusals_Are402WithTheBalance()
    {
        await Http.Send(HttpMethod.Put, "/v1/admin/tiers/core", Admin, """{"lifetime":5,"geminiCapLifetime":2}""");

        var gemini = await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"g","tier":"core","hasHardware":false,"credits":3}""");
        var credits = await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"c","tier":"core","hasHardware":true,"credits":6}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, gemini.Status);
        Assert.Equal("gemini_cap_exceeded_no_hardware", gemini.Body.Code());
        Assert.Equal(5, gemini.Body.GetProperty("remaining").GetInt64());
        Assert.Equal(2, gemini.Body.GetProperty("geminiRemaining").GetInt64());
        Assert.Equal(HttpStatusCode.PaymentRequired, credits.Status);
        Assert.Equal("out_of_credits", credits.Body.Code());
        Assert.Equal(5, credits.Body.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Conflicts_Are409()
    {
        await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"r1","tier":"core","hasHardware":false}""");

        var conflict = await Http.Send(HttpMethod.Post, Reservations, Relay, """{"requestId":"r1","tier":"core","hasHardware":true}""");
        await Http.Send(HttpMethod.Post, $"{Reservations}/r1/release", Relay, "{}");
        var notOpen = await Http.Send(HttpMethod.Post, $"{Reservations}/r1/commit", Relay, "{}");

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("request_id_conflict", conflict.Body.Code());
        Assert.False(conflict.Body.TryGetProperty("remaining", out _));
        Assert.Equal(HttpStatusCode.Conflict, notOpen.Status);
        Assert.Equal("reservation_not_open", notOpen.Body.Code());
    }

    [Fact]
    public async Task Unknowns_Are404()
    {
        var reservation = await Http.Send(HttpMethod.Get, $"{Reservations}/nope", Relay);
        var commit = await Http.Send(HttpMethod.Post, $"{Reservations}/nope/commit", Relay, "{}");
        var route = await Http.Send(HttpMethod.Get, "/v1/nothing/here", Relay);

        Assert.Equal(HttpStatusCode.NotFound, reservation.Status);
        Assert.Equal("not_found", reservation.Body.Code());
        Assert.Equal(HttpStatusCode.NotFound, commit.Status);
        Assert.Equal(HttpStatusCode.NotFound, route.Status);
        Assert.Equal("not_found", route.Body.Code());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task MissingOrUnknownKey_Is401(string? key)
    {
        var (status, body, type) = await Http.Send(HttpMethod.Get, $"/v1/installs/{_install}", key);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("unauthorized", body.Code());
    }

    [Fact]
    public async Task ScopeOrPrefix_Missing_Is403()
    {
        var relayOnAdmin = await Http.Send(HttpMethod.Get, "/v1/admin/tiers", Relay);
        var prefixOther = await Http.Send(HttpMethod.Get, $"/v1/installs/{_install}", ClusterFixture.PrefixKey);
        var prefixOwn = await Http.Send(HttpMethod.Get, "/v1/installs/acme-1", ClusterFixture.PrefixKey);
        var prefixList = await Http.Send(HttpMethod.Get, "/v1/admin/installs", ClusterFixture.PrefixKey);

        Assert.Equal(HttpStatusCode.Forbidden, relayOnAdmin.Status);
        Assert.Equal("forbidden", relayOnAdmin.Body.Code());
        Assert.Equal(HttpStatusCode.Forbidden, prefixOther.Status);
        Assert.Equal(HttpStatusCode.OK, prefixOwn.Status);
        Assert.Equal(HttpStatusCode.Forbidden, prefixList.Status);
    }

    [Fact]
    public async Task BodyOver64KiB_Is413()
    {
        string big = $$"""{"requestId":"r1","tier":"core","hasHardware":false,"pad":"{{new string('x', 70_000)}}"}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, Reservations, Relay, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", body.Code());
    }

    [Theory]
    [InlineData("""{"lifetime":10,"monthly":10}""", "monthly")]
    [InlineData("""{"lifetime":-1}""", "lifetime")]
    [InlineData("""{"monthly":10,"geminiCapLifetime":1}""", "geminiCapLifetime")]
    [InlineData("""{"monthly":"10"}""", "monthly")]
    public async Task PutTier_Invalid_Is400AndKeepsTheQuota(string json, string field)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Put, "/v1/admin/tiers/pro", Admin, json);
        var tiers = await Http.Send(HttpMethod.Get, "/v1/admin/tiers", Admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Equal(1000, tiers.Body.GetProperty("pro").GetProperty("monthly").GetInt64());
    }

    [Fact]
    public async Task Tiers_ReadAndWrite()
    {
        var put = await Http.Send(HttpMethod.Put, "/v1/admin/tiers/max", Admin, """{"monthly":null,"geminiCapMonthly":50}""");
        var tiers = await Http.Send(HttpMethod.Get, "/v1/admin/tiers", Admin);
        var unknown = await Http.Send(HttpMethod.Put, "/v1/admin/tiers/gold", Admin, "{}");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(
            ["lifetime", "monthly", "geminiCapLifetime", "geminiCapMonthly"],
            tiers.Body.GetProperty("max").EnumerateObject().Select(p => p.Name));
        Assert.Equal(50, tiers.Body.GetProperty("max").GetProperty("geminiCapMonthly").GetInt64());
        Assert.Equal(100, tiers.Body.GetProperty("core").GetProperty("lifetime").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
    }

    [Fact]
    public async Task AdminInstallList_PagesByInstallId()
    {
        string prefix = $"list-{Guid.NewGuid():N}-";
        foreach (int i in new[] { 3, 1, 2 })
        {
            await Http.Send(HttpMethod.Post, $"/v1/installs/{prefix}{i}/reservations", Relay, """{"requestId":"r","tier":"core","hasHardware":false}""");
        }

        var seen = new List<string>();
        string? after = $"{prefix}0";
        while (after is not null && seen.Count < 3)
        {
            var page = await Http.Send(HttpMethod.Get, $"/v1/admin/installs?limit=2&after={after}", Admin);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("installId").GetString()!).Where(i => i.StartsWith(prefix, StringComparison.Ordinal)));
            after = page.Body.GetProperty("next").GetString();
        }

        var badLimit = await Http.Send(HttpMethod.Get, "/v1/admin/installs?limit=1001", Admin);
        Assert.Equal([$"{prefix}1", $"{prefix}2", $"{prefix}3"], seen.Take(3));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.Status);
    }

    [Fact]
    public async Task OperatorEndpoints_AnswerWithoutAKey()
    {
        var health = await Http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        var ready = await Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        var metrics = await Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var openapi = await Http.Send(HttpMethod.Get, "/openapi/v1.json", null);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, openapi.Status);
        Assert.True(openapi.Body.GetProperty("paths").TryGetProperty("/v1/installs/{installId}/reservations", out _));
        Assert.Contains("\"hardware\"", openapi.Body.GetRawText(), StringComparison.Ordinal); // enums as the strings the API writes

    }
}
