using Metering.ApiClient;
using Metering.ApiClient.Generated.Models;
using Metering.PoolBilling;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// The generated HTTP client and the billable-call helper over HTTP, against running silo and
/// client-api processes: what a .NET service with only an API key and client-api's URL gets.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HttpClientTests(RunningSystem system) : IDisposable
{
    private readonly HttpClientFixtureConnection _http = new(system.ApiUrl);
    private readonly string _pool = $"{RunningSystem.BillingPrefix}{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheGeneratedClient_SetsAndReadsAPool_AndARefusalIsItsProblem()
    {
        var admin = MeteringHttp.CreateClient(_http.Client, RunningSystem.AdminKey);
        var relay = MeteringHttp.CreateClient(_http.Client, RunningSystem.BillingKey);

        var set = await admin.V1.Admin.Pools[_pool].PutAsync(new PoolLimitBody { LimitMicros = 1_000 }, cancellationToken: Ct);
        await relay.V1.Pools[_pool].Reservations.PostAsync(new PoolReserveBody { RequestId = "a", ReserveMicros = 900, UsageType = "chat" }, cancellationToken: Ct);
        var refusal = await Assert.ThrowsAsync<ProblemSchema>(() => relay.V1.Pools[_pool].Reservations.PostAsync(
            new PoolReserveBody { RequestId = "b", ReserveMicros = 200, UsageType = "image" }, cancellationToken: Ct));
        var pool = await relay.V1.Pools[_pool].GetAsync(cancellationToken: Ct);

        Assert.Equal(1_000, set!.LimitMicros);
        Assert.Equal(402, refusal.ResponseStatusCode);
        Assert.Equal(ProblemSchema_code.Quota_insufficient, refusal.Code);
        Assert.Equal(100, refusal.RemainingMicros);
        Assert.Equal("image", refusal.UsageType);
        Assert.False(string.IsNullOrEmpty(refusal.TraceId));
        Assert.Equal(900, pool!.ReservedMicros);
    }

    [Fact]
    public async Task ABillableCallOverHttp_CommitsItsCost_AndLeavingTheScopeReleasesAnother()
    {
        var admin = MeteringHttp.CreateClient(_http.Client, RunningSystem.AdminKey);
        await admin.V1.Admin.Pools[_pool].PutAsync(new PoolLimitBody { LimitMicros = 1_000 }, cancellationToken: Ct);
        var billing = MeteringHttp.CreatePoolBillingClient(_http.Client, RunningSystem.BillingKey);

        PoolCommitReceiptAnswer committed;
        await using (var call = await billing.BeginBillableCallAsync(_pool, 300, "chat", ct: Ct))
        {
            var receipt = await call.CommitAsync(250, 10, 20, "gpt-x", callDetailsJson: """{"path":"/chat"}""", ct: Ct);
            committed = new(call.ReservedMicros, receipt.ActualMicros, receipt.UsedMicros, receipt.RemainingMicros, call.IsCommitted);
        }

        string released;
        await using (var call = await billing.BeginBillableCallAsync(_pool, 400, "image", ct: Ct))
        {
            released = call.RequestId;
            // The model call failed: the scope is left without a commit.
        }

        var pool = await admin.V1.Pools[_pool].GetAsync(cancellationToken: Ct);
        var state = await admin.V1.Pools[_pool].Reservations[released].GetAsync(cancellationToken: Ct);
        var audit = await admin.V1.Pools[_pool].Usage.GetAsync(cancellationToken: Ct);

        Assert.Equal(new PoolCommitReceiptAnswer(300, 250, 250, 750, true), committed);
        Assert.Equal(250, pool!.UsedMicros);
        Assert.Equal(0, pool.ReservedMicros);
        Assert.Equal(ReservationState.Released, state!.State);
        var record = Assert.Single(audit!.Items!);
        Assert.Equal(250, record.CostMicros);
        Assert.Equal("gpt-x", record.Model);
    }

    [Fact]
    public async Task OverHttp_ARefusalIsQuotaInsufficient_AReplayHoldsOnce_AndAKeyThatDoesNotReachThePoolIsDeniedWithoutRetrying()
    {
        var admin = MeteringHttp.CreateClient(_http.Client, RunningSystem.AdminKey);
        await admin.V1.Admin.Pools[_pool].PutAsync(new PoolLimitBody { LimitMicros = 500 }, cancellationToken: Ct);
        var billing = MeteringHttp.CreatePoolBillingClient(_http.Client, RunningSystem.BillingKey);
        var once = new BillableCallOptions { RequestId = "same" };

        await using var first = await billing.BeginBillableCallAsync(_pool, 300, "chat", once, Ct);
        await using var again = await billing.BeginBillableCallAsync(_pool, 300, "chat", once, Ct);
        var refused = await Assert.ThrowsAsync<QuotaInsufficientException>(() => billing.BeginBillableCallAsync(_pool, 300, "chat", ct: Ct));
        var started = DateTime.UtcNow;
        var denied = await Assert.ThrowsAsync<PoolAccessDeniedException>(() => billing.BeginBillableCallAsync("other-pool", 1, "chat", ct: Ct));
        var pool = await admin.V1.Pools[_pool].GetAsync(cancellationToken: Ct);

        Assert.Equal(first.RequestId, again.RequestId);
        Assert.Equal(300, pool!.ReservedMicros);
        Assert.Equal(200, refused.RemainingMicros);
        Assert.Equal("other-pool", denied.PoolId);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "a refused key is not retried");
    }

    private sealed record PoolCommitReceiptAnswer(long Reserved, long Actual, long Used, long Remaining, bool Committed);
}

/// <summary>One HttpClient to client-api, as a service would hold it.</summary>
internal sealed class HttpClientFixtureConnection(Uri apiUrl) : IDisposable
{
    public System.Net.Http.HttpClient Client { get; } = new() { BaseAddress = apiUrl, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => Client.Dispose();
}
