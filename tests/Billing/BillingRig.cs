using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.PoolBilling;
using Microsoft.Extensions.Time.Testing;

namespace Metering.Tests.Billing;

/// <summary>
/// The helper over a <see cref="FakePool"/> and a fake clock. Every wait is recorded and moves the
/// clock by exactly that much at once, so retry times pass without sleeping.
/// </summary>
internal sealed class BillingRig
{
    public const string PoolId = "pool-1";

    public BillingRig()
    {
        Pool = new FakePool(Clock);
    }

    /// <summary>When the test starts, on the fake clock.</summary>
    public static DateTimeOffset Start { get; } = new(2030, 1, 2, 3, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public FakePool Pool { get; }

    public List<TimeSpan> Waits { get; } = [];

    public List<string> PoolsAsked { get; } = [];

    /// <summary>How much fake time has passed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Clock.GetUtcNow() - Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public PoolBillingClient Client(PoolBillingOptions? options = null) => new(
        poolId =>
        {
            PoolsAsked.Add(poolId);
            return new GrainPoolConnection(Pool);
        },
        new RetryPolicy(options ?? PoolBillingOptions.Default, Clock, wait =>
        {
            Waits.Add(wait);
            Clock.Advance(wait);
            return Task.CompletedTask;
        }));

    public Task<BillableCall> Begin(string requestId = "call-1", long reserveMicros = 500, int ttlSeconds = Limits.DefaultTtlSeconds, PoolBillingOptions? options = null)
        => Client(options).BeginBillableCallAsync(PoolId, reserveMicros, "chat", new BillableCallOptions { RequestId = requestId, TtlSeconds = ttlSeconds }, Ct);

    public static Task<PoolCommitReceipt> Commit(BillableCall call, long actualMicros = 420)
        => call.CommitAsync(actualMicros, promptTokens: 100, completionTokens: 20, model: "gpt-x", ct: Ct);
}
