using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>The HTTP contract of pools, every error code included.</summary>
public sealed class PoolHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _pool = $"pool-http-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    private string Base => $"/v1/pools/{_pool}";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", Admin, """{"limitMicros":1000}""")).Status);
    }

    [Fact]
    public async Task Lifecycle_ReserveCommitAboveTheHold_ThenReadTheAudit()
    {
        var reserve = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","reserveMicros":200,"usageType":"chat"}""");
        var replay = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"r1","reserveMicros":200,"usageType":"chat"}""");
        var commit = await Http.Send(HttpMethod.Post, $"{Base}/reservations/r1/commit", Relay,
            """{"actualMicros":350,"promptTokens":12,"completionTokens":30,"model":"model-x","callDetails":{"path":"/chat","retries":0}}""");
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);
        var audit = await Http.Send(HttpMethod.Get, $"{Base}/usage", Relay);

        Assert.Equal(HttpStatusCode.Created, reserve.Status);
        Assert.Equal(["requestId", "state", "reservedMicros", "usedMicros", "limitMicros", "remainingMicros", "expiresAt"],
            reserve.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(800, reserve.Body.GetProperty("remainingMicros").GetInt64());
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(reserve.Body.GetRawText(), replay.Body.GetRawText());
        Assert.Equal(HttpStatusCode.OK, commit.Status);
        Assert.Equal(["requestId", "state", "actualMicros", "usedMicros", "limitMicros", "remainingMicros", "late"],
            commit.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(350, commit.Body.GetProperty("usedMicros").GetInt64());
        Assert.Equal("""{"poolId":"X","usedMicros":350,"reservedMicros":0,"limitMicros":1000,"remainingMicros":650}""".Replace("X", _pool, StringComparison.Ordinal),
            pool.Body.GetRawText());
        var record = Assert.Single(audit.Body.GetProperty("items").EnumerateArray());
        Assert.Equal(["requestId", "usageType", "promptTokens", "completionTokens", "totalTokens", "costMicros", "model", "callDetails", "billed", "at"],
            record.EnumerateObject().Select(p => p.Name));
        Assert.Equal(42, record.GetProperty("totalTokens").GetInt64());
        Assert.Equal("/chat", record.GetProperty("callDetails").GetProperty("path").GetString());
        Assert.True(record.GetProperty("billed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, audit.Body.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task QuotaInsufficient_Is402WithTheBalanceAndUsageType()
    {
        await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"a","reserveMicros":900,"usageType":"chat"}""");

        var (status, body, _) = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"b","reserveMicros":101,"usageType":"image"}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, status);
        Assert.Equal("quota_insufficient", body.Code());
        Assert.Equal("image", body.GetProperty("usageType").GetString());
        Assert.Equal(0, body.GetProperty("usedMicros").GetInt64());
        Assert.Equal(1000, body.GetProperty("limitMicros").GetInt64());
        Assert.Equal(100, body.GetProperty("remainingMicros").GetInt64());
    }

    [Fact]
    public async Task Release_ThenCommit_Is409_AndCommitTwiceReplays()
    {
        await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"a","reserveMicros":10,"usageType":"chat"}""");
        await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, """{"requestId":"b","reserveMicros":10,"usageType":"chat"}""");
        const string commitBody = """{"actualMicros":10,"promptTokens":1,"completionTokens":1,"model":"m"}""";

        var release = await Http.Send(HttpMethod.Post, $"{Base}/reservations/a/release", Relay);
        var commitReleased = await Http.Send(HttpMethod.Post, $"{Base}/reservations/a/commit", Relay, commitBody);
        var commit = await Http.Send(HttpMethod.Post, $"{Base}/reservations/b/commit", Relay, commitBody);
        var again = await Http.Send(HttpMethod.Post, $"{Base}/reservations/b/commit", Relay, commitBody);
        var other = await Http.Send(HttpMethod.Post, $"{Base}/reservations/b/commit", Relay, commitBody.Replace("10", "11", StringComparison.Ordinal));
        var releaseCommitted = await Http.Send(HttpMethod.Post, $"{Base}/reservations/b/release", Relay);

        Assert.Equal(HttpStatusCode.OK, release.Status);
        Assert.Equal("released", release.Body.GetProperty("state").GetString());
        Assert.Equal("reservation_not_open", commitReleased.Body.Code());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(commit.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal("request_id_conflict", other.Body.Code());
        Assert.Equal(HttpStatusCode.Conflict, releaseCommitted.Status);
        Assert.Equal("reservation_not_open", releaseCommitted.Body.Code());
    }

    [Fact]
    public async Task Grants_201Then200SameBody_409OnAnotherBody()
    {
        string grants = $"/v1/admin/pools/{_pool}/grants";

        var first = await Http.Send(HttpMethod.Post, grants, Admin, """{"grantId":"g1","micros":500,"note":"welcome"}""");
        var again = await Http.Send(HttpMethod.Post, grants, Admin, """{"grantId":"g1","micros":500,"note":"welcome"}""");
        var other = await Http.Send(HttpMethod.Post, grants, Admin, """{"grantId":"g1","micros":501,"note":"welcome"}""");
        var relay = await Http.Send(HttpMethod.Post, grants, Relay, """{"grantId":"g2","micros":1}""");
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(1500, first.Body.GetProperty("limitMicros").GetInt64());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Equal("request_id_conflict", other.Body.Code());
        Assert.Equal(HttpStatusCode.Forbidden, relay.Status);
        Assert.Equal(1500, pool.Body.GetProperty("limitMicros").GetInt64());
    }

    [Theory]
    [InlineData("""{"grantId":"g1","micros":-1}""", "micros")]
    [InlineData("""{"grantId":"g1","micros":"5"}""", "micros")]
    [InlineData("""{"grantId":"g 1","micros":5}""", "grantId")]
    [InlineData("""{"micros":5}""", "grantId")]
    [InlineData("""{"grantId":"g1","micros":5,"note":"a\u0000b"}""", "note")]
    public async Task Grant_Invalid_Is400AndKeepsTheLimit(string json, string field)
    {
        var (status, body, _) = await Http.Send(HttpMethod.Post, $"/v1/admin/pools/{_pool}/grants", Admin, json);
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);
        var retry = await Http.Send(HttpMethod.Post, $"/v1/admin/pools/{_pool}/grants", Admin, """{"grantId":"g1","micros":5}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Equal(1000, pool.Body.GetProperty("limitMicros").GetInt64());
        Assert.Equal(HttpStatusCode.Created, retry.Status); // the refused grant left no trace of its key
    }

    [Fact]
    public async Task FreeUsage_201AuditedNotDebited_200OnReplay()
    {
        const string body = """{"requestId":"f1","usageType":"chat","costMicros":77,"promptTokens":5,"completionTokens":6,"model":"free"}""";

        var first = await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, body);
        var again = await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, body);
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.False(first.Body.GetProperty("billed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.Body.GetProperty("callDetails").ValueKind);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal(0, pool.Body.GetProperty("usedMicros").GetInt64());
    }

    [Fact]
    public async Task AuditPaging_FollowsTheCursor()
    {
        for (int i = 0; i < 3; i++)
        {
            await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, $$"""{"requestId":"f{{i}}","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m"}""");
        }

        var first = await Http.Send(HttpMethod.Get, $"{Base}/usage?limit=2", Relay);
        string next = first.Body.GetProperty("next").GetString()!;
        var second = await Http.Send(HttpMethod.Get, $"{Base}/usage?limit=2&after={next}", Relay);
        var badFrom = await Http.Send(HttpMethod.Get, $"{Base}/usage?from=yesterday", Relay);
        var badAfter = await Http.Send(HttpMethod.Get, $"{Base}/usage?after=abc", Relay);

        Assert.Equal(["f0", "f1"], first.Body.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal(["f2"], second.Body.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.Body.GetProperty("next").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, badFrom.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badAfter.Status);
    }

    [Theory]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":-1,"usageType":"chat"}""", "reserveMicros")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":"10","usageType":"chat"}""", "reserveMicros")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":1.5,"usageType":"chat"}""", "reserveMicros")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":1000000000000001,"usageType":"chat"}""", "reserveMicros")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":10}""", "usageType")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":10,"usageType":"ch\u0000at"}""", "usageType")]
    [InlineData("/reservations", """{"requestId":"r1","reserveMicros":10,"usageType":"chat","usageType":"x"}""", "body")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":-1,"completionTokens":1,"model":"m"}""", "promptTokens")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1}""", "model")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"a":"\u0000"}}""", "callDetails")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"a":1,"a":2}}""", "body")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"n":1e1000000}}""", "callDetails")]
    [InlineData("/usage", """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"s":"\ud800"}}""", "callDetails")]
    public async Task BadInput_Is400_AndChangesNothing(string path, string json, string field)
    {
        var (status, body, type) = await Http.Send(HttpMethod.Post, Base + path, Relay, json);
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);
        var audit = await Http.Send(HttpMethod.Get, $"{Base}/usage", Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        Assert.Equal(0, pool.Body.GetProperty("reservedMicros").GetInt64());
        Assert.Empty(audit.Body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task CallDetails_WithAnEscapedBackslashBeforeU0000_IsAccepted()
    {
        string json = """{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{"path":"C:\\u0000x"}}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, json);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("C:\\u0000x", body.GetProperty("callDetails").GetProperty("path").GetString());
    }

    [Fact]
    public async Task CallDetails_PastItsBound_Is400()
    {
        string details = $$"""{"blob":"{{new string('x', 5000)}}"}""";
        string json = $$"""{"requestId":"f1","usageType":"chat","costMicros":1,"promptTokens":1,"completionTokens":1,"model":"m","callDetails":{{details}}}""";

        var (status, body, _) = await Http.Send(HttpMethod.Post, $"{Base}/usage", Relay, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("callDetails", out _));
    }

    [Theory]
    [InlineData("""{"limitMicros":-1}""")]
    [InlineData("""{"limitMicros":null}""")]
    [InlineData("""{}""")]
    public async Task SetLimit_Invalid_Is400AndKeepsTheLimit(string json)
    {
        var (status, _, _) = await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", Admin, json);
        var pool = await Http.Send(HttpMethod.Get, Base, Relay);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(1000, pool.Body.GetProperty("limitMicros").GetInt64());
    }

    [Fact]
    public async Task AuthAndUnknowns_AreProblems()
    {
        var noKey = await Http.Send(HttpMethod.Get, Base, null);
        var relayAdmin = await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", Relay, """{"limitMicros":5}""");
        var prefix = await Http.Send(HttpMethod.Get, Base, ClusterFixture.PrefixKey);
        var unknown = await Http.Send(HttpMethod.Post, $"{Base}/reservations/nope/release", Relay);
        var unknownView = await Http.Send(HttpMethod.Get, $"{Base}/reservations/nope", Relay);
        var big = await Http.Send(HttpMethod.Post, $"{Base}/reservations", Relay, $$"""{"requestId":"r","reserveMicros":1,"usageType":"{{new string('x', 70_000)}}"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.Status);
        Assert.Equal(HttpStatusCode.Forbidden, relayAdmin.Status);
        Assert.Equal(HttpStatusCode.Forbidden, prefix.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("'nope'", unknown.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("not_found", unknownView.Body.Code());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.Status);
    }
}
