using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// <c>GET /v1/admin/overview</c>: silos from Orleans' membership, the in-process front end's
/// heartbeat, PostgreSQL's probe, each silo's recent activity as its reporter tells it, and the
/// pools nearest their limits, fullest first.
/// </summary>
public sealed class OverviewHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;

    /// <summary>Reports arrive every 5 s (silos) and 10 s (front ends); this is how long the test waits for them at most.</summary>
    private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(40);

    private HttpClient Http => Fixture.Http;

    [Fact]
    public async Task Overview_ShowsTheClusterItsActivityAndThePoolsNearestTheirLimits()
    {
        string pool = $"ov-{Guid.NewGuid():N}";
        await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", Admin, """{"limitMicros":100}""");
        var refused = await Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations", ClusterFixture.RelayKey, """{"requestId":"r1","reserveMicros":101,"usageType":"chat"}""");
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.Status);

        // Wait (bounded) for the reports: they come from the silos' and the front end's own timers.
        JsonElement overview = default;
        var deadline = DateTime.UtcNow + ReportWait;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body, _) = await Http.Send(HttpMethod.Get, "/v1/admin/overview", Admin);
            Assert.Equal(HttpStatusCode.OK, status);
            overview = body;
            if (PoolRefusals(body) > 0 && body.GetProperty("frontEnds").GetArrayLength() > 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        Assert.Equal(
            ["at", "silos", "frontEnds", "postgres", "windowSeconds", "operations", "refusals", "flush", "nearestLimits"],
            overview.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, overview.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active"));
        Assert.True(overview.GetProperty("postgres").GetProperty("reachable").GetBoolean());
        Assert.True(overview.GetProperty("frontEnds").GetArrayLength() >= 1);
        Assert.Equal(60, overview.GetProperty("windowSeconds").GetInt32());
        Assert.True(Refusals(overview, "quota_insufficient") >= 1, overview.GetRawText());
        Assert.True(PoolRefusals(overview) >= 1, overview.GetRawText());
        // The PUT was flushed: at least one transaction in the window.
        Assert.True(overview.GetProperty("flush").GetProperty("transactions").GetInt64() >= 1, overview.GetRawText());

        var fractions = overview.GetProperty("nearestLimits").EnumerateArray().Select(n => n.GetProperty("fraction").GetDouble()).ToList();
        Assert.InRange(fractions.Count, 0, 10);
        Assert.Equal(fractions.OrderByDescending(f => f), fractions);
    }

    [Fact]
    public async Task NearestLimits_ListAFullPoolFirst()
    {
        // Used far past its limit (a commit may exceed its hold): fuller than any other test's pool.
        string pool = $"ov-full-{Guid.NewGuid():N}";
        await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", Admin, """{"limitMicros":1}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations", ClusterFixture.RelayKey, """{"requestId":"r1","reserveMicros":1,"usageType":"chat"}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations/r1/commit", ClusterFixture.RelayKey,
            """{"actualMicros":900000000000000,"promptTokens":1,"completionTokens":1,"model":"m"}""");

        var (_, body, _) = await Http.Send(HttpMethod.Get, "/v1/admin/overview", Admin);

        var first = body.GetProperty("nearestLimits")[0];
        Assert.Equal(("pool", pool, 900000000000000L, 1L), (first.GetProperty("kind").GetString(), first.GetProperty("id").GetString(),
            first.GetProperty("usedMicros").GetInt64(), first.GetProperty("limitMicros").GetInt64()));
    }

    // Other tests in this process record on the same meter (a unit test with kinds of its own),
    // so the test looks for the pool refusal it caused, not for any refusal.
    private static long PoolRefusals(JsonElement overview) =>
        overview.GetProperty("operations").EnumerateArray()
            .Where(o => o.GetProperty("kind").GetString() == "pool" && o.GetProperty("operation").GetString() == "reserve"
                && o.GetProperty("outcome").GetString() == "quotaInsufficient")
            .Sum(o => o.GetProperty("count").GetInt64());

    private static long Refusals(JsonElement overview, string code) =>
        overview.GetProperty("refusals").EnumerateArray().Where(r => r.GetProperty("code").GetString() == code).Sum(r => r.GetProperty("count").GetInt64());
}
