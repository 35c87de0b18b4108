using System.Net;
using System.Text.Json;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// <c>GET /v1/admin/overview</c>: silos from Orleans' membership, the in-process front end's
/// heartbeat, PostgreSQL's probe, each silo's recent activity as its reporter tells it, and the
/// accounts of every kind nearest their limits, fullest first.
/// </summary>
public sealed class OverviewHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;

    /// <summary>Reports arrive every 5 s (silos) and 10 s (front ends); this is how long the test waits for them at most.</summary>
    private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(40);

    private HttpClient Http => Fixture.Http;

    [Fact]
    public async Task Overview_ShowsTheClusterItsActivityAndTheAccountsNearestTheirLimits()
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
    public async Task NearestLimits_ListEveryKind_FullestFirst_WithTheirUnits()
    {
        // Used far past their limits (a commit may exceed its hold, usage is recorded after the
        // call): fuller than any other test's account, so all three are in the top ten.
        string pool = $"ov-pool-{Guid.NewGuid():N}", install = $"ov-inst-{Guid.NewGuid():N}", port = $"ov-port-{Guid.NewGuid():N}";
        await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", Admin, """{"limitMicros":1}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations", ClusterFixture.RelayKey, """{"requestId":"r1","reserveMicros":1,"usageType":"chat"}""");
        await Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations/r1/commit", ClusterFixture.RelayKey,
            """{"actualMicros":900000000000000,"promptTokens":1,"completionTokens":1,"model":"m"}""");
        // Core: 100 lifetime credits (the contract's default; each test starts from the defaults).
        await Http.Send(HttpMethod.Post, $"/v1/installs/{install}/reservations", ClusterFixture.RelayKey, """{"requestId":"r1","tier":"core","hasHardware":true}""");
        await Http.Send(HttpMethod.Post, $"/v1/installs/{install}/reservations/r1/commit", ClusterFixture.RelayKey, """{"backend":"hardware","credits":1000000000000000}""");
        await Http.Send(HttpMethod.Put, $"/v1/ports/{port}/budget", Admin, """{"enabled":true,"softCapTokens":1,"hardCapTokens":2,"period":"day"}""");
        var usage = await Http.Send(HttpMethod.Post, $"/v1/ports/{port}/usage", ClusterFixture.RelayKey,
            """{"requestId":"u1","inputTokens":1000000,"outputTokens":0,"provider":"p","model":"m","feature":"chat"}""");
        Assert.Equal(HttpStatusCode.Created, usage.Status);

        var listed = await NearestUntil(n => n.Count(e => Mine(e, pool, install, port)) == 3);

        Assert.Equal(listed.Select(n => n.GetProperty("fraction").GetDouble()).OrderByDescending(f => f), listed.Select(n => n.GetProperty("fraction").GetDouble()));
        Assert.Equal(
            [
                ("pool", pool, 900000000000000L, 1L, "micros", true),
                ("install", install, 1000000000000000L, 100L, "credits", true),
                ("port", port, 1000000L, 2L, "tokens", false),
            ],
            listed.Where(n => Mine(n, pool, install, port)).Select(n => (
                n.GetProperty("kind").GetString(), n.GetProperty("id").GetString(), n.GetProperty("used").GetInt64(),
                n.GetProperty("limit").GetInt64(), n.GetProperty("unit").GetString(), n.GetProperty("resetsAt").ValueKind == JsonValueKind.Null)));
        // The port's daily budget resets at the next midnight of the ledger's clock.
        var portEntry = listed.Single(n => n.GetProperty("id").GetString() == port);
        Assert.Equal(ClusterFixture.Start.Date.AddDays(1), portEntry.GetProperty("resetsAt").GetDateTimeOffset().UtcDateTime);
    }

    [Fact]
    public async Task NearestLimits_AfterATierQuotaChange_ShowTheInstallOnlyWithItsNewLimit()
    {
        string install = $"ov-quota-{Guid.NewGuid():N}";
        await Http.Send(HttpMethod.Post, $"/v1/installs/{install}/reservations", ClusterFixture.RelayKey, """{"requestId":"r1","tier":"core","hasHardware":true}""");
        await Http.Send(HttpMethod.Post, $"/v1/installs/{install}/reservations/r1/commit", ClusterFixture.RelayKey, """{"backend":"hardware","credits":1000000000000000}""");
        await NearestUntil(n => n.Any(e => e.GetProperty("id").GetString() == install && e.GetProperty("limit").GetInt64() == 100));

        var put = await Http.Send(HttpMethod.Put, "/v1/admin/tiers/core", Admin, """{"lifetime":1000}""");
        Assert.Equal(HttpStatusCode.OK, put.Status);

        // Until the install's next call it is not listed: never with the limit it no longer has.
        // That call is refused (still far past 1,000), and a refusal tells the board too.
        await NearestUntil(n => !n.Any(e => e.GetProperty("id").GetString() == install));
        var refused = await Http.Send(HttpMethod.Post, $"/v1/installs/{install}/reservations", ClusterFixture.RelayKey, """{"requestId":"r2","tier":"core","hasHardware":true}""");
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.Status);
        var listed = await NearestUntil(n =>
        {
            var mine = n.Where(e => e.GetProperty("id").GetString() == install).ToList();
            Assert.All(mine, e => Assert.Equal(1000, e.GetProperty("limit").GetInt64())); // once gone, never back with the old limit
            return mine.Count == 1;
        });

        Assert.Equal(1000, listed.Single(e => e.GetProperty("id").GetString() == install).GetProperty("limit").GetInt64());
    }

    private static bool Mine(JsonElement entry, params string[] ids) => ids.Contains(entry.GetProperty("id").GetString());

    /// <summary>The overview's nearest limits once <paramref name="done"/> holds (silos report every 5 s); fails past <see cref="ReportWait"/>.</summary>
    private async Task<List<JsonElement>> NearestUntil(Func<List<JsonElement>, bool> done)
    {
        var deadline = DateTime.UtcNow + ReportWait;
        while (true)
        {
            var (status, body, _) = await Http.Send(HttpMethod.Get, "/v1/admin/overview", Admin);
            Assert.Equal(HttpStatusCode.OK, status);
            var nearest = body.GetProperty("nearestLimits").EnumerateArray().ToList();
            if (done(nearest))
            {
                return nearest;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not seen within {ReportWait.TotalSeconds} s: {body.GetProperty("nearestLimits").GetRawText()}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }
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
