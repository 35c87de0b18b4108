using System.Net;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// The daily series (docs/api.md "Admin views"): a port's tokens per day and feature, a tenant's
/// usage and exact charges per day and deployment; both dates inclusive, at most 400 days.
/// </summary>
public sealed class SeriesHttpTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;
    private readonly string _id = $"series-{Guid.NewGuid():N}";

    private HttpClient Http => Fixture.Http;

    [Fact]
    public async Task PortDaily_IsTokensAndCallsPerDayAndFeature_InTheRange()
    {
        await Usage("u1", 10, 5, "chat");
        await Usage("u2", 1, 1, "search");
        ClusterFixture.Clock.Advance(TimeSpan.FromDays(1));
        await Usage("u3", 7, 3, "chat");
        await Usage("u4", 2, 2, "chat");

        var both = await Http.Send(HttpMethod.Get, $"/v1/ports/{_id}/daily?from=2026-11-22&to=2026-11-24", Relay);
        var second = await Http.Send(HttpMethod.Get, $"/v1/ports/{_id}/daily?from=2026-11-24&to=2026-11-24", Admin);
        var before = await Http.Send(HttpMethod.Get, $"/v1/ports/{_id}/daily?from=2026-01-01&to=2026-11-22", Relay);

        Assert.Equal(HttpStatusCode.OK, both.Status);
        Assert.Equal(
            """[{"date":"2026-11-23","feature":"chat","tokens":15,"calls":1},{"date":"2026-11-23","feature":"search","tokens":2,"calls":1},{"date":"2026-11-24","feature":"chat","tokens":14,"calls":2}]""",
            both.Body.GetRawText());
        Assert.Equal("""[{"date":"2026-11-24","feature":"chat","tokens":14,"calls":2}]""", second.Body.GetRawText());
        Assert.Equal("[]", before.Body.GetRawText());
    }

    [Fact]
    public async Task TenantDaily_IsPerDayAndDeployment_WithTheExactCharge()
    {
        await Event("g1", "d1", "2026-11-22T23:59:59Z", "0.0015");
        await Event("g2", "d1", "2026-11-22T08:00:00Z", "0.0020");
        await Event("g3", "d2", "2026-11-22T09:00:00Z", "1.1");
        await Event("g4", "d1", "2026-11-23T00:00:00Z", "0.0000000001");
        await Event("g1", "d1", "2026-11-22T23:59:59Z", "0.0015"); // a duplicate counts once

        var (status, body, _) = await Http.Send(HttpMethod.Get, $"/v1/tenants/{_id}/daily?from=2026-11-22&to=2026-11-23", Relay);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """[{"date":"2026-11-22","deploymentId":"d1","requests":2,"inputTokens":20,"outputTokens":10,"charge":"0.0035"},""" +
            """{"date":"2026-11-22","deploymentId":"d2","requests":1,"inputTokens":10,"outputTokens":5,"charge":"1.1"},""" +
            """{"date":"2026-11-23","deploymentId":"d1","requests":1,"inputTokens":10,"outputTokens":5,"charge":"0.0000000001"}]""",
            body.GetRawText());
    }

    [Theory]
    [InlineData("ports")]
    [InlineData("tenants")]
    public async Task Series_Span400DaysAtMost_BothDatesInclusive(string kind)
    {
        var longest = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?from=2025-10-20&to=2026-11-23", Relay);
        var tooLong = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?from=2025-10-19&to=2026-11-23", Relay);
        var oneDay = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?from=2026-11-23&to=2026-11-23", Relay);

        Assert.Equal(400, DateOnly.Parse("2026-11-23").DayNumber - DateOnly.Parse("2025-10-20").DayNumber + 1);
        Assert.Equal(HttpStatusCode.OK, longest.Status);
        Assert.Equal(HttpStatusCode.OK, oneDay.Status);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal("invalid_request", tooLong.Body.Code());
        Assert.Contains("400 days", tooLong.Body.GetProperty("errors").GetProperty("to")[0].GetString());
    }

    [Theory]
    [InlineData("from=2026-11-24&to=2026-11-23", "to")]
    [InlineData("to=2026-11-23", "from")]
    [InlineData("from=2026-11-23", "to")]
    [InlineData("from=2026-11-31&to=2026-12-01", "from")]
    [InlineData("from=2026-11-01T00:00:00Z&to=2026-12-01", "from")]
    [InlineData("from=2026-11-01&from=2026-11-02&to=2026-12-01", "from")]
    [InlineData("from=0001-01-01&to=9999-12-31", "to")]
    public async Task Series_RejectBadRanges(string query, string field)
    {
        foreach (string kind in new[] { "ports", "tenants" })
        {
            var (status, body, _) = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?{query}", Relay);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", body.Code());
            Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
        }
    }

    [Theory]
    [InlineData("ports")]
    [InlineData("tenants")]
    public async Task Series_AnswerEveryAccessError(string kind)
    {
        string range = "from=2026-11-01&to=2026-11-30";
        var none = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?{range}", null);
        var unknown = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?{range}", "nope");
        var otherPrefix = await Http.Send(HttpMethod.Get, $"/v1/{kind}/{_id}/daily?{range}", ClusterFixture.PrefixKey);
        var ownPrefix = await Http.Send(HttpMethod.Get, $"/v1/{kind}/acme-{_id}/daily?{range}", ClusterFixture.PrefixKey);
        var badId = await Http.Send(HttpMethod.Get, $"/v1/{kind}/bad%20id/daily?{range}", Relay);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (otherPrefix.Status, otherPrefix.Body.Code()));
        Assert.Equal(HttpStatusCode.OK, ownPrefix.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (badId.Status, badId.Body.Code()));
    }

    private async Task Usage(string requestId, int input, int output, string feature)
    {
        var (status, _, _) = await Http.Send(HttpMethod.Post, $"/v1/ports/{_id}/usage", Relay,
            $$"""{"requestId":"{{requestId}}","inputTokens":{{input}},"outputTokens":{{output}},"provider":"p","model":"m","feature":"{{feature}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
    }

    private async Task Event(string id, string deployment, string at, string charge)
    {
        var (status, _, _) = await Http.Send(HttpMethod.Post, "/v1/usage-events", Relay,
            $$"""{"gatewayRequestId":"{{id}}","tenantId":"{{_id}}","deploymentId":"{{deployment}}","occurredAt":"{{at}}","inputTokens":10,"outputTokens":5,"customerCharge":"{{charge}}"}""");
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, status.ToString());
    }
}
