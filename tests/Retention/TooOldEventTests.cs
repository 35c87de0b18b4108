using System.Net;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Retention;
using Metering.Tests.Http;
using Metering.Tests.Support;

namespace Metering.Tests.Retention;

/// <summary>
/// Usage events older than the raw-event retention (400 days by default) are refused: their rows
/// may already be deleted, so a duplicate could no longer be told from a new event.
/// </summary>
public sealed class TooOldEventTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(RetentionSettings.DefaultUsageEventDays);

    private static string NewTenant() => $"t-{Guid.NewGuid():N}";

    private IUsageIngestGrain Ingestor => Fixture.Cluster.Client.GetGrain<IUsageIngestGrain>(0);

    [Fact]
    public async Task Event_OlderThanTheWindow_IsInvalidOnOccurredAt_TheOthersGoOn()
    {
        string tenant = NewTenant();
        var oldest = ClusterFixture.Start - Window;

        var result = await Ingestor.Ingest(
        [
            new UsageEvent("at-the-edge", tenant, "d", oldest, 1, 1, 0.01m),
            new UsageEvent("a-millisecond-older", tenant, "d", oldest.AddMilliseconds(-1), 1, 1, 0.01m),
            new UsageEvent("recent", tenant, "d", ClusterFixture.Start.AddDays(-1), 1, 1, 0.01m),
        ]);

        Assert.Equal([EventResult.Recorded, EventResult.Invalid, EventResult.Recorded], result.Events.Select(e => e.Result));
        var message = Assert.Single(result.Events[1].Errors!.Fields["occurredAt"]);
        Assert.Contains("within the last 400 days", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_OlderThanTheWindow_IsRefusedEvenIfItWasRecordedBefore()
    {
        // Recorded while recent; a year and more later, its resend is refused, not "duplicate":
        // the answer must not depend on whether the clean-up has run yet.
        string tenant = NewTenant();
        var at = ClusterFixture.Start.AddDays(-1);
        var first = await Ingestor.Ingest([new UsageEvent("g", tenant, "d", at, 1, 1, 0.01m)]);
        ClusterFixture.Clock.Advance(Window);

        var resend = await Ingestor.Ingest([new UsageEvent("g", tenant, "d", at, 1, 1, 0.01m)]);

        Assert.Equal(EventResult.Recorded, Assert.Single(first.Events).Result);
        Assert.Equal(EventResult.Invalid, Assert.Single(resend.Events).Result);
    }

    [Fact]
    public async Task Http_EventOlderThanTheWindow_Is400InvalidRequestOnOccurredAt()
    {
        string occurredAt = (ClusterFixture.Start - Window).AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        string json = $$"""{"gatewayRequestId":"g1","tenantId":"{{NewTenant()}}","deploymentId":"d","occurredAt":"{{occurredAt}}","inputTokens":1,"outputTokens":1,"customerCharge":"0.01"}""";

        var (status, body, contentType) = await Fixture.Http.Send(HttpMethod.Post, "/v1/usage-events", ClusterFixture.RelayKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("invalid_request", body.Code());
        Assert.Equal(
            "must be within the last 400 days: older events are no longer kept, so a duplicate could not be recognized",
            Assert.Single(body.GetProperty("errors").GetProperty("occurredAt").EnumerateArray()).GetString());
    }
}
