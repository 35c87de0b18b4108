using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.PoolBilling;

namespace Metering.Tests.Billing;

/// <summary>
/// Issue #9, defect 4: a commit is the cost of a call that ran. It is retried with the same request
/// through a storage blip or a failover for its whole retry time, its hold is never released, and
/// only then does it end in a <see cref="SettlementException"/> carrying the commit to re-send.
/// Fake time throughout: every wait moves the clock, nothing sleeps.
/// </summary>
public sealed class CommitRetryTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private readonly BillingRig _rig = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakePool Pool => _rig.Pool;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommitAsync_PoolDownFor10Seconds_CommitsTheSameRequestAndNeverReleases(bool triesThrow)
    {
        Pool.CommitDownUntil = BillingRig.Start.AddSeconds(10);
        if (triesThrow)
        {
            Pool.CommitOutage = () => throw new TimeoutException("silo failing over");
        }

        PoolCommitReceipt receipt;
        await using (var call = await _rig.Begin())
        {
            receipt = await BillingRig.Commit(call);
            Assert.True(call.IsCommitted);
        }

        Assert.Equal(FakePool.Receipt(new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x")), receipt);
        Assert.Equal(8, Pool.Commits.Count);
        Assert.All(Pool.Commits, c => Assert.Equal(new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x"), c));
        Assert.Equal(Millis(100, 200, 400, 800, 1_600, 3_200, 5_000), _rig.Waits); // doubling, capped at 5 s
        Assert.Equal(TimeSpan.FromMilliseconds(11_300), _rig.Elapsed);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task CommitAsync_PoolDownPastTheRetryTime_ThrowsSettlementWithTheCommitAndNeverReleases()
    {
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;
        var sent = new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x", "chat-long", """{"route":"a"}""");

        SettlementException error;
        await using (var call = await _rig.Begin())
        {
            error = await Assert.ThrowsAsync<SettlementException>(
                () => call.CommitAsync(420, 100, 20, "gpt-x", "chat-long", """{"route":"a"}""", Ct));
            Assert.False(call.IsCommitted);
            await Assert.ThrowsAsync<InvalidOperationException>(() => BillingRig.Commit(call));
        }

        Assert.Equal(BillingRig.PoolId, error.PoolId);
        Assert.Equal("call-1", error.RequestId);
        Assert.Equal(sent, error.Commit);
        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.True(error.CanResend);
        Assert.Equal(Pool.Commits.Count, error.Tries);
        Assert.Equal(BillingRig.Start + FiveMinutes, Pool.CommitTimes[^1]); // a last try at the bound, none after
        Assert.Equal(FiveMinutes, _rig.Elapsed);
        Assert.All(_rig.Waits, w => Assert.InRange(w, TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task CommitAsync_EveryTryTimesOut_MeasuresTheRetryTimeOnTheClockAndKeepsTheLastError()
    {
        // Each try takes the client's 30-second response timeout: the bound is 5 minutes of clock,
        // not 5 minutes of waits.
        var timeout = new TimeoutException("no answer");
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;
        Pool.CommitOutage = () =>
        {
            _rig.Clock.Advance(TimeSpan.FromSeconds(30));
            throw timeout;
        };

        await using var call = await _rig.Begin();
        var error = await Assert.ThrowsAsync<SettlementException>(() => BillingRig.Commit(call));

        Assert.Null(error.Outcome);
        Assert.Same(timeout, error.InnerException);
        Assert.True(error.CanResend);
        Assert.Equal(10, error.Tries);
        Assert.Equal(BillingRig.Start + TimeSpan.FromMilliseconds(291_300), Pool.CommitTimes[^1]);
        Assert.Equal(TimeSpan.FromMilliseconds(321_300), _rig.Elapsed);
        Assert.Empty(Pool.Releases);
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(299, 300)]
    [InlineData(300, 300)]
    [InlineData(301, 301)]
    [InlineData(3_600, 3_600)]
    [InlineData(86_400, 86_400)]
    public async Task CommitAsync_DefaultRetryTime_IsTheHoldsLifetimeButAtLeastFiveMinutes(int ttlSeconds, int retrySeconds)
    {
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;

        await using var call = await _rig.Begin(ttlSeconds: ttlSeconds);
        await Assert.ThrowsAsync<SettlementException>(() => BillingRig.Commit(call));

        Assert.Equal(TimeSpan.FromSeconds(retrySeconds), _rig.Elapsed);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task CommitAsync_ConfiguredRetryTimeAndBackoff_AreObeyed()
    {
        var options = new PoolBillingOptions
        {
            CommitInitialBackoff = TimeSpan.FromSeconds(1),
            CommitMaxBackoff = TimeSpan.FromSeconds(3),
            CommitRetryTime = TimeSpan.FromSeconds(10),
        };
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;

        await using var call = await _rig.Begin(ttlSeconds: 3_600, options: options);
        var error = await Assert.ThrowsAsync<SettlementException>(() => BillingRig.Commit(call));

        Assert.Equal(Millis(1_000, 2_000, 3_000, 3_000, 1_000), _rig.Waits); // the last wait cut to the bound
        Assert.Equal(6, error.Tries);
        Assert.Equal(TimeSpan.FromSeconds(10), _rig.Elapsed);
    }

    [Fact]
    public async Task CommitAsync_RetryTimeZero_TriesOnceAndKeepsTheHold()
    {
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;

        await using (var call = await _rig.Begin(options: new PoolBillingOptions { CommitRetryTime = TimeSpan.Zero }))
        {
            var error = await Assert.ThrowsAsync<SettlementException>(() => BillingRig.Commit(call));
            Assert.Equal(1, error.Tries);
        }

        Assert.Single(Pool.Commits);
        Assert.Empty(_rig.Waits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task CommitAsync_RealWaits_RunOnTheInjectedTimeProvider()
    {
        // The production wiring (Task.Delay on the TimeProvider): the retry waits for the clock.
        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Unavailable));
        var client = new PoolBillingClient(_ => new GrainPoolConnection(Pool), RetryPolicy.For(PoolBillingOptions.Default, _rig.Clock));
        await using var call = await client.BeginBillableCallAsync(BillingRig.PoolId, 500, "chat", new BillableCallOptions { RequestId = "call-1" }, Ct);

        var commit = BillingRig.Commit(call);
        Assert.False(commit.IsCompleted);
        Assert.Single(Pool.Commits);

        _rig.Clock.Advance(TimeSpan.FromMilliseconds(100));
        var receipt = await commit.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(420, receipt.ActualMicros);
        Assert.Equal(2, Pool.Commits.Count);
    }

    [Fact]
    public async Task SettleAsync_TheCommitOfASettlementException_RecordsItLater()
    {
        Pool.CommitDownUntil = BillingRig.Start.AddMinutes(30);
        await using var call = await _rig.Begin();
        var error = await Assert.ThrowsAsync<SettlementException>(() => BillingRig.Commit(call));
        _rig.Clock.Advance(TimeSpan.FromMinutes(30)); // metering is back; the caller's retry queue runs

        var receipt = await _rig.Client().SettleAsync(error.PoolId, error.Commit, Ct);

        Assert.Equal(420, receipt.ActualMicros);
        Assert.Equal(error.Commit, Pool.Commits[^1]);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task SettleAsync_PoolStillDown_RetriesFiveMinutesThenThrowsSettlement()
    {
        Pool.CommitDownUntil = DateTimeOffset.MaxValue;
        var commit = new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x");

        var error = await Assert.ThrowsAsync<SettlementException>(() => _rig.Client().SettleAsync(BillingRig.PoolId, commit, Ct));

        Assert.Equal(commit, error.Commit);
        Assert.Equal(FiveMinutes, _rig.Elapsed);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task SettleAsync_InvalidCommit_ThrowsArgumentExceptionAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _rig.Client().SettleAsync(BillingRig.PoolId, new PoolCommitRequest("call-1", -1, 100, 20, "gpt-x"), Ct));

        Assert.Equal("actualMicros", error.ParamName);
        Assert.Empty(Pool.Commits);
    }

    private static TimeSpan[] Millis(params int[] millis) => [.. millis.Select(m => TimeSpan.FromMilliseconds(m))];
}
