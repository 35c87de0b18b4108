using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>The HTTP contract of ports, every error code included.</summary>
public sealed class PortHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _port = $"port-http-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    private string Base => $"/v1/ports/{_port}";

    private Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> Budget(string json, string key = Admin) =>
        Http.Send(HttpMethod.Put, $"{Base}/budget", key, json);

    [Fact]
    public async Task Budget_DefaultsThenPartialUpdatesMerge()
    {
        var initial = await Http.Send(HttpMethod.Get, $"{Base}/budget", Relay);
        var enable = await Budget("""{"enabled":true}""");
        var week = await Budget("""{"period":"week","softCapTokens":10}""");

        Assert.Equal(HttpStatusCode.OK, initial.Status);
        Assert.False(initial.Body.GetProperty("enabled").GetBoolean());
        Assert.Equal(100_000, initial.Body.GetProperty("softCapTokens").GetInt64());
        Assert.Equal(500_000, initial.Body.GetProperty("hardCapTokens").GetInt64());
        Assert.Equal("month", initial.Body.GetProperty("period").GetString());
        Assert.True(enable.Body.GetProperty("enabled").GetBoolean());
        Assert.Equal("admin", enable.Body.GetProperty("updatedBy").GetString());
        Assert.Equal(("week", 10L, 500_000L, true),
            (week.Body.GetProperty("period").GetString(), week.Body.GetProperty("softCapTokens").GetInt64(),
             week.Body.GetProperty("hardCapTokens").GetInt64(), week.Body.GetProperty("enabled").GetBoolean()));
    }

    [Theory]
    [InlineData("""{"softCapTokens":-1}""", "softCapTokens")]
    [InlineData("""{"hardCapTokens":-5}""", "hardCapTokens")]
    [InlineData("""{"softCapTokens":600000}""", "softCapTokens")]
    [InlineData("""{"softCapTokens":20,"hardCapTokens":10}""", "softCapTokens")]
    [InlineData("""{"period":"year"}""", "period")]
    [InlineData("""{"enabled":"yes"}""", "enabled")]
    [InlineData("""{"hardCapTokens":1.5}""", "hardCapTokens")]
    public async Task Budget_Invalid_Is400AndChangesNothing(string json, string field)
    {
        var (status, body, type) = await Budget(json);
        var after = await Http.Send(HttpMethod.Get, $"{Base}/budget", Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Equal(JsonValueKind.Null, after.Body.GetProperty("updatedAt").ValueKind);
    }

    [Fact]
    public async Task Budget_ChangeNeedsAdmin_ReadNeedsRelay()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Budget("""{"enabled":true}""", Relay)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.Send(HttpMethod.Get, $"{Base}/budget", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.Send(HttpMethod.Get, $"{Base}/budget", ClusterFixture.PrefixKey)).Status);
    }

    [Fact]
    public async Task Reserve_SoftCapWarning_AndBoth402Reasons()
    {
        await Budget("""{"enabled":true,"softCapTokens":50,"hardCapTokens":100}""");
        await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, """{"requestId":"u1","inputTokens":40,"outputTokens":20,"provider":"p","model":"m","feature":"chat"}""");

        var warn = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","estimatedTokens":30,"feature":"chat"}""");
        var estimate = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r2","estimatedTokens":11,"feature":"chat"}""");
        await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r3","estimatedTokens":10,"feature":"chat"}""");
        var hard = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r4","estimatedTokens":1,"feature":"chat"}""");

        Assert.Equal(HttpStatusCode.Created, warn.Status);
        Assert.Equal(["requestId", "state", "usedTokens", "remaining", "softCap", "expiresAt"], warn.Body.EnumerateObject().Select(p => p.Name));
        Assert.True(warn.Body.GetProperty("softCap").GetBoolean());
        Assert.Equal(60, warn.Body.GetProperty("usedTokens").GetInt64());
        Assert.Equal(10, warn.Body.GetProperty("remaining").GetInt64());
        Assert.Equal(HttpStatusCode.PaymentRequired, estimate.Status);
        Assert.Equal("estimated-exceeds-cap", estimate.Body.Code());
        Assert.Equal(60, estimate.Body.GetProperty("usedTokens").GetInt64());
        Assert.Equal(100, estimate.Body.GetProperty("capTokens").GetInt64());
        Assert.Equal(HttpStatusCode.PaymentRequired, hard.Status);
        Assert.Equal("hard-cap-exceeded", hard.Body.Code());
        Assert.Equal(100, hard.Body.GetProperty("capTokens").GetInt64());
    }

    [Fact]
    public async Task DisabledBudget_NoCapRemainingNull_UsageStillRecorded()
    {
        var reserve = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","estimatedTokens":900000000,"feature":"chat"}""");
        var commit = await Http.Send(HttpMethod.Post, $"{Base}/reservations/r1/commit", Relay, """{"inputTokens":700000,"outputTokens":1,"provider":"p","model":"m"}""");
        var usage = await Http.Send(HttpMethod.Get, $"{Base}/usage", Relay);

        Assert.Equal(HttpStatusCode.Created, reserve.Status);
        Assert.Equal(JsonValueKind.Null, reserve.Body.GetProperty("remaining").ValueKind);
        Assert.Equal(HttpStatusCode.OK, commit.Status);
        Assert.Equal(700_001, usage.Body.GetProperty("usedTokens").GetInt64());
    }

    [Fact]
    public async Task UsageByFeature_AndBreakdown()
    {
        await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, """{"requestId":"u1","inputTokens":3,"outputTokens":4,"provider":"p","model":"m","feature":"chat","userId":"alice"}""");
        await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, """{"requestId":"u2","inputTokens":1,"outputTokens":1,"provider":"p","model":"m","feature":"search"}""");
        await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","estimatedTokens":9,"feature":"chat"}""");

        var chat = await Http.Send(HttpMethod.Get, $"{Base}/usage?feature=chat", Relay);
        var all = await Http.Send(HttpMethod.Get, $"{Base}/usage", Relay);
        var breakdown = await Http.Send(HttpMethod.Get, $"{Base}/breakdown", Relay);

        Assert.Equal(["periodStart", "usedTokens", "reservedTokens"], chat.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal((7L, 9L), (chat.Body.GetProperty("usedTokens").GetInt64(), chat.Body.GetProperty("reservedTokens").GetInt64()));
        Assert.Equal(9, all.Body.GetProperty("usedTokens").GetInt64());
        Assert.Equal("""[{"feature":"chat","tokens":7,"calls":1},{"feature":"search","tokens":2,"calls":1}]""", breakdown.Body.GetRawText());
    }

    [Fact]
    public async Task Lifecycle_ReplayConflictNotOpenNotFound()
    {
        const string reserve = """{"requestId":"r1","estimatedTokens":5,"feature":"chat"}""";
        var first = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, reserve);
        var again = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, reserve);
        var conflict = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","estimatedTokens":6,"feature":"chat"}""");
        var release = await Http.Send(HttpMethod.Post, $"{Base}/reservations/r1/release", Relay);
        var commit = await Http.Send(HttpMethod.Post, $"{Base}/reservations/r1/commit", Relay, """{"inputTokens":1,"outputTokens":1,"provider":"p","model":"m"}""");
        var unknown = await Http.Send(HttpMethod.Get, $"{Base}/reservations/nope", Relay);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal("request_id_conflict", conflict.Body.Code());
        Assert.Equal("released", release.Body.GetProperty("state").GetString());
        Assert.Equal("reservation_not_open", commit.Body.Code());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Theory]
    [InlineData("/reservations", """{"requestId":"r1","estimatedTokens":-1,"feature":"chat"}""", "estimatedTokens")]
    [InlineData("/reservations", """{"requestId":"r1","estimatedTokens":"5","feature":"chat"}""", "estimatedTokens")]
    [InlineData("/reservations", """{"requestId":"r1","estimatedTokens":5}""", "feature")]
    [InlineData("/reservations", """{"requestId":"r1","estimatedTokens":5,"feature":"chat","ttlSeconds":0}""", "ttlSeconds")]
    [InlineData("/usage", """{"requestId":"u1","inputTokens":1,"outputTokens":1,"provider":"p","model":"m"}""", "feature")]
    [InlineData("/usage", """{"requestId":"u1","inputTokens":1.5,"outputTokens":1,"provider":"p","model":"m","feature":"f"}""", "inputTokens")]
    [InlineData("/usage", """{"requestId":"u1","inputTokens":1,"outputTokens":1,"provider":"p\u0000","model":"m","feature":"f"}""", "provider")]
    [InlineData("/usage", """{"requestId":"u1","inputTokens":1000000000000000,"outputTokens":1,"provider":"p","model":"m","feature":"f"}""", "outputTokens")]
    public async Task BadInput_Is400AndChangesNothing(string path, string json, string field)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, Base + path, Relay, json);
        var usage = await Http.Send(HttpMethod.Get, $"{Base}/usage", Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Equal((0L, 0L), (usage.Body.GetProperty("usedTokens").GetInt64(), usage.Body.GetProperty("reservedTokens").GetInt64()));
    }

    [Fact]
    public async Task Usage_TwoFeatureParameters_Is400()
    {
        var (status, body, _) = await Http.Send(HttpMethod.Get, $"{Base}/usage?feature=chat&feature=search", Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("feature", out _));
    }

    [Fact]
    public async Task PortRow_CombinesBudgetAndUsage()
    {
        await Budget("""{"enabled":true,"softCapTokens":5,"hardCapTokens":50}""");
        await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, """{"requestId":"u1","inputTokens":3,"outputTokens":4,"provider":"p","model":"m","feature":"chat"}""");

        var row = await Http.Send(HttpMethod.Get, Base, Relay);

        Assert.Equal(HttpStatusCode.OK, row.Status);
        Assert.Equal(7, row.Body.GetProperty("usedTokens").GetInt64());
        Assert.Equal(43, row.Body.GetProperty("remaining").GetInt64());
        Assert.True(row.Body.GetProperty("softCap").GetBoolean());
        Assert.True(row.Body.GetProperty("budget").GetProperty("enabled").GetBoolean());
    }
}
