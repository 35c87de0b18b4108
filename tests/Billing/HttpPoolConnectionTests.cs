using System.Net;
using System.Text;
using Metering.ApiClient;
using Metering.PoolBilling;

namespace Metering.Tests.Billing;

/// <summary>
/// The helper over HTTP keeps the grain version's retry rules: a 503 or a 429 <c>rate_limited</c>
/// is retried with the same request, a 401 or 403 never; scripted answers from a fake client-api.
/// </summary>
public sealed class HttpPoolConnectionTests
{
    private const string Reservation = """{"requestId":"r1","state":"reserved","reservedMicros":300,"usedMicros":0,"limitMicros":1000,"remainingMicros":700,"expiresAt":"2026-12-01T10:05:00.000Z"}""";
    private const string Receipt = """{"requestId":"r1","state":"committed","actualMicros":250,"usedMicros":250,"limitMicros":1000,"remainingMicros":750,"late":false}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A503DuringCommit_IsRetriedWithTheSameRequest_UntilTheReceipt()
    {
        var api = new ScriptedApi(
            (HttpStatusCode.Created, Reservation),
            (HttpStatusCode.ServiceUnavailable, Problem(503, "unavailable")),
            (HttpStatusCode.TooManyRequests, Problem(429, "rate_limited")),
            (HttpStatusCode.OK, Receipt));
        var billing = Billing(api);

        await using var call = await billing.BeginBillableCallAsync("p1", 300, "chat", new BillableCallOptions { RequestId = "r1" }, Ct);
        var receipt = await call.CommitAsync(250, 1, 2, "m", ct: Ct);

        Assert.Equal(250, receipt.UsedMicros);
        Assert.Equal(["POST /v1/pools/p1/reservations", "POST /v1/pools/p1/reservations/r1/commit", "POST /v1/pools/p1/reservations/r1/commit", "POST /v1/pools/p1/reservations/r1/commit"], api.Requests);
        Assert.Single(api.Bodies.Skip(1).Distinct());
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData(HttpStatusCode.Forbidden, "forbidden")]
    public async Task AKeyThatIsRefused_IsNeverRetried(HttpStatusCode status, string code)
    {
        var api = new ScriptedApi((status, Problem((int)status, code)));

        var denied = await Assert.ThrowsAsync<PoolAccessDeniedException>(() => Billing(api).BeginBillableCallAsync("p1", 300, "chat", ct: Ct));

        Assert.Equal("p1", denied.PoolId);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task A402_IsQuotaInsufficient_WithTheBalances()
    {
        var api = new ScriptedApi((HttpStatusCode.PaymentRequired,
            """{"type":"urn:metering:problem:quota_insufficient","title":"Quota insufficient","status":402,"code":"quota_insufficient","usageType":"chat","usedMicros":900,"limitMicros":1000,"remainingMicros":100,"traceId":"t"}"""));

        var refused = await Assert.ThrowsAsync<QuotaInsufficientException>(() => Billing(api).BeginBillableCallAsync("p1", 300, "chat", ct: Ct));

        Assert.Equal(100, refused.RemainingMicros);
        Assert.Equal(900, refused.UsedMicros);
        Assert.Single(api.Requests);
    }

    private static PoolBillingClient Billing(ScriptedApi api)
    {
        var client = MeteringHttp.CreateClient(new System.Net.Http.HttpClient(api) { BaseAddress = new Uri("http://metering.test") }, "k");
        return new PoolBillingClient(id => new HttpPoolConnection(client, id), new RetryPolicy(PoolBillingOptions.Default, TimeProvider.System, _ => Task.CompletedTask));
    }

    private static string Problem(int status, string code) =>
        $$"""{"type":"urn:metering:problem:{{code}}","title":"t","status":{{status}},"code":"{{code}}","traceId":"t"}""";

    /// <summary>Answers each request with the next scripted answer and records what was sent.</summary>
    private sealed class ScriptedApi(params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private readonly Queue<(HttpStatusCode Status, string Body)> _answers = new(answers);

        public List<string> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("Bearer k", request.Headers.Authorization?.ToString());
            Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            var (status, body) = _answers.Dequeue();
            return new HttpResponseMessage(status)
            {
                Content = new StringContent(body, Encoding.UTF8, (int)status >= 400 ? "application/problem+json" : "application/json"),
            };
        }
    }
}
