using System.Net;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>API.md: a key over its configured rate is <c>429 rate_limited</c> with <c>Retry-After</c>; budget refusals stay 402.</summary>
public sealed class RateLimitHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private readonly string _pool = $"rl-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    [Fact]
    public async Task AKeyOverItsRate_Is429WithRetryAfter_ARefusalWithinItIs402_AndOtherKeysAreNotLimited()
    {
        // The limited key: 1 request per hour, a burst of 3.
        const string limited = ClusterFixture.LimitedKey;
        Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", ClusterFixture.AdminKey, """{"limitMicros":100}""")).Status);

        var refused = await Http.Send(HttpMethod.Post, $"/v1/pools/{_pool}/reservations", limited, """{"requestId":"big","reserveMicros":500,"usageType":"chat"}""");
        var second = await Http.Send(HttpMethod.Get, $"/v1/pools/{_pool}", limited);
        var third = await Http.Send(HttpMethod.Get, $"/v1/pools/{_pool}", limited);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/pools/{_pool}/reservations")
        {
            Content = new StringContent("""{"requestId":"small","reserveMicros":1,"usageType":"chat"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", limited);
        using var overRate = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        string overBody = await overRate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.Status);
        Assert.Equal("quota_insufficient", refused.Body.Code());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, overRate.StatusCode);
        Assert.Equal("application/problem+json", overRate.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"rate_limited\"", overBody, StringComparison.Ordinal);
        var retryAfter = overRate.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 3600);

        // The refused reserve changed nothing; another key on the same pool is not limited.
        var pool = await Http.Send(HttpMethod.Get, $"/v1/pools/{_pool}", ClusterFixture.RelayKey);
        Assert.Equal(HttpStatusCode.OK, pool.Status);
        Assert.Equal(0, pool.Body.GetProperty("reservedMicros").GetInt64());
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Get, $"/v1/pools/{_pool}", ClusterFixture.RelayKey)).Status);
        }
    }

    [Fact]
    public async Task EveryProblem_CarriesATraceId()
    {
        var unauthorized = await Http.Send(HttpMethod.Get, $"/v1/pools/{_pool}", null);
        var forbidden = await Http.Send(HttpMethod.Get, "/v1/admin/tiers", ClusterFixture.RelayKey);
        var invalid = await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", ClusterFixture.AdminKey, """{"limitMicros":-1}""");

        foreach (var (status, body, _) in new[] { unauthorized, forbidden, invalid })
        {
            Assert.True((int)status >= 400);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()), body.GetRawText());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal("this key lacks the admin scope", forbidden.Body.GetProperty("detail").GetString());
    }
}
