using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.PoolBilling;
using Microsoft.Extensions.DependencyInjection;

namespace Metering.Tests.Billing;

/// <summary>The retry settings: their bounds (checked when a client is made) and the short retries they configure.</summary>
public sealed class PoolBillingOptionsTests
{
    private readonly BillingRig _rig = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("request backoff unset", "RequestBackoff")]
    [InlineData("ten request waits", "RequestBackoff")]
    [InlineData("negative request wait", "RequestBackoff")]
    [InlineData("request wait over a minute", "RequestBackoff")]
    [InlineData("max backoff over a minute", "CommitMaxBackoff")]
    [InlineData("initial backoff zero", "CommitInitialBackoff")]
    [InlineData("initial backoff over the max", "CommitInitialBackoff")]
    [InlineData("negative retry time", "CommitRetryTime")]
    [InlineData("retry time over a day", "CommitRetryTime")]
    public void PoolBillingClient_SettingOutOfRange_ThrowsArgumentExceptionNamingIt(string setting, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => _rig.Client(Options(setting)));

        Assert.Equal("options", error.ParamName);
        Assert.StartsWith(named + " must ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no request retry")]
    [InlineData("nine request waits")]
    [InlineData("request waits of zero and a minute")]
    [InlineData("backoff of 1 ms to a minute")]
    [InlineData("retry time zero")]
    [InlineData("retry time a day")]
    public void PoolBillingClient_SettingAtItsBound_IsAccepted(string setting)
    {
        var client = _rig.Client(Options(setting));

        Assert.NotNull(client);
    }

    [Fact]
    public void PoolBillingClient_NullOptions_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new PoolBillingClient(_ => new GrainPoolConnection(_rig.Pool), new RetryPolicy(null!, _rig.Clock, _ => Task.CompletedTask)));
    }

    [Fact]
    public async Task BeginBillableCall_ConfiguredRequestBackoff_RetriesTheReserveThatOften()
    {
        var options = new PoolBillingOptions { RequestBackoff = [TimeSpan.FromSeconds(1)] };
        for (int i = 0; i < 3; i++)
        {
            _rig.Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.Unavailable));
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => _rig.Begin(options: options));

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.Equal(2, _rig.Pool.Reserves.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], _rig.Waits);
    }

    [Fact]
    public async Task BillableCall_DisposeWithNoRequestRetry_SendsOneRelease()
    {
        _rig.Pool.ReleaseAnswers.Enqueue(() => new PoolReleaseResult(Outcome.Unavailable));

        await (await _rig.Begin(options: Options("no request retry"))).DisposeAsync();

        Assert.Equal(["call-1"], _rig.Pool.Releases);
        Assert.Empty(_rig.Waits);
    }

    [Fact]
    public void AddPoolBilling_InvalidOptions_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddPoolBilling(Options("negative retry time")));

        Assert.Equal("options", error.ParamName);
        Assert.Empty(services);
    }

    [Fact]
    public void AddPoolBilling_WithOptions_RegistersOneSingleton()
    {
        var services = new ServiceCollection();

        services.AddPoolBilling(new PoolBillingOptions { CommitRetryTime = TimeSpan.FromMinutes(1) }).AddPoolBilling();

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(PoolBillingClient));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    private static PoolBillingOptions Options(string setting)
    {
        var minute = TimeSpan.FromMinutes(1);
        var tick = TimeSpan.FromTicks(1);
        return setting switch
        {
            "request backoff unset" => new() { RequestBackoff = default },
            "ten request waits" => new() { RequestBackoff = [.. Enumerable.Repeat(TimeSpan.Zero, 10)] },
            "negative request wait" => new() { RequestBackoff = [-tick] },
            "request wait over a minute" => new() { RequestBackoff = [minute + tick] },
            "max backoff over a minute" => new() { CommitMaxBackoff = minute + tick },
            "initial backoff zero" => new() { CommitInitialBackoff = TimeSpan.Zero },
            "initial backoff over the max" => new() { CommitInitialBackoff = TimeSpan.FromSeconds(6) },
            "negative retry time" => new() { CommitRetryTime = -tick },
            "retry time over a day" => new() { CommitRetryTime = TimeSpan.FromHours(Limits.RequestIdRetentionHours) + tick },
            "no request retry" => new() { RequestBackoff = [] },
            "nine request waits" => new() { RequestBackoff = [.. Enumerable.Repeat(TimeSpan.Zero, 9)] },
            "request waits of zero and a minute" => new() { RequestBackoff = [TimeSpan.Zero, minute] },
            "backoff of 1 ms to a minute" => new() { CommitInitialBackoff = TimeSpan.FromMilliseconds(1), CommitMaxBackoff = minute },
            "retry time zero" => new() { CommitRetryTime = TimeSpan.Zero },
            "retry time a day" => new() { CommitRetryTime = TimeSpan.FromHours(Limits.RequestIdRetentionHours) },
            _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "no such case"),
        };
    }
}
