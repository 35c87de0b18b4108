using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.PoolBilling;
using Microsoft.Extensions.DependencyInjection;

namespace Metering.Tests.Billing;

/// <summary>
/// The billable-call helper's own logic (scope, retries, settlement) against a scripted fake of
/// the pool grain: what it sends and what it throws, not the ledger (the cluster tests cover that).
/// </summary>
public sealed class BillableCallTests
{
    private const string PoolId = BillingRig.PoolId;

    private static readonly DateTimeOffset Expiry = FakePool.Expiry;

    private readonly BillingRig _rig = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakePool Pool => _rig.Pool;

    private PoolBillingClient Client() => _rig.Client();

    private Task<BillableCall> Begin(string requestId = "call-1", long reserveMicros = 500)
        => _rig.Begin(requestId, reserveMicros);

    private static Task<PoolCommitReceipt> Commit(BillableCall call, long actualMicros = 420)
        => BillingRig.Commit(call, actualMicros);

    // ---- reserve ----

    [Fact]
    public async Task BeginBillableCall_Created_ReturnsTheOpenCall()
    {
        await using var call = await Begin();

        Assert.Equal(PoolId, call.PoolId);
        Assert.Equal("call-1", call.RequestId);
        Assert.Equal(500, call.ReservedMicros);
        Assert.Equal(9_500, call.RemainingMicros);
        Assert.Equal(Expiry, call.ExpiresAt);
        Assert.False(call.IsCommitted);
        Assert.Equal([PoolId], _rig.PoolsAsked);
        Assert.Equal([new PoolReserveRequest("call-1", 500, "chat", Limits.DefaultTtlSeconds)], Pool.Reserves);
    }

    [Fact]
    public async Task BeginBillableCall_NoOptions_SendsANewGuidRequestIdAndTheDefaultTtl()
    {
        await using var first = await Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: Ct);
        await using var second = await Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: Ct);

        Assert.Matches("^[0-9a-f]{32}$", first.RequestId);
        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.All(Pool.Reserves, r => Assert.Equal(Limits.DefaultTtlSeconds, r.TtlSeconds));
    }

    [Fact]
    public async Task BeginBillableCall_QuotaRefused_ThrowsQuotaInsufficientWithTheBalance()
    {
        Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.QuotaInsufficient, Refusal: new PoolRefusal("chat", UsedMicros: 9_800, LimitMicros: 10_000, RemainingMicros: 200)));

        var error = await Assert.ThrowsAsync<QuotaInsufficientException>(() => Begin());

        Assert.Equal(PoolId, error.PoolId);
        Assert.Equal("call-1", error.RequestId);
        Assert.Equal("chat", error.UsageType);
        Assert.Equal(500, error.RequestedMicros);
        Assert.Equal(9_800, error.UsedMicros);
        Assert.Equal(10_000, error.LimitMicros);
        Assert.Equal(200, error.RemainingMicros);
        Assert.Single(Pool.Reserves);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_InvalidArguments_ThrowsArgumentExceptionNamingTheFieldsAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().BeginBillableCallAsync(PoolId, -1, "", new BillableCallOptions { TtlSeconds = 0 }, Ct));

        Assert.Equal("reserveMicros", error.ParamName);
        Assert.Contains("reserveMicros must be an integer from 0 to 10^15", error.Message, StringComparison.Ordinal);
        Assert.Contains("ttlSeconds must be an integer from 1 to 86400", error.Message, StringComparison.Ordinal);
        Assert.Contains("usageType must be 1 to 128 characters", error.Message, StringComparison.Ordinal);
        Assert.Empty(Pool.Reserves);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public async Task BeginBillableCall_InvalidPoolId_ThrowsArgumentExceptionAndSendsNothing(string poolId)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().BeginBillableCallAsync(poolId, 500, "chat", ct: Ct));

        Assert.Equal("poolId", error.ParamName);
        Assert.Empty(_rig.PoolsAsked);
    }

    [Fact]
    public async Task BeginBillableCall_PoolAnswersInvalidRequest_ThrowsArgumentExceptionNamingTheField()
    {
        var errors = new ValidationErrors();
        errors.Add("usageType", "is not a known usage type");
        Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.InvalidRequest, Errors: errors));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Begin());

        Assert.Equal("usageType", error.ParamName);
        Assert.StartsWith("Invalid request: usageType is not a known usage type.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginBillableCall_RequestIdConflict_ThrowsRequestIdConflictException()
    {
        Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.RequestIdConflict));

        var error = await Assert.ThrowsAsync<RequestIdConflictException>(() => Begin());

        Assert.Equal("call-1", error.RequestId);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_CancelledToken_ThrowsWithoutReserving()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: cts.Token));

        Assert.Empty(Pool.Reserves);
    }

    [Fact]
    public async Task BeginBillableCall_UnavailableThenCreated_RetriesTheSameRequestOnce()
    {
        Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.Unavailable));

        await using var call = await Begin();

        Assert.Equal("call-1", call.RequestId);
        Assert.Equal(2, Pool.Reserves.Count);
        Assert.Equal(Pool.Reserves[0], Pool.Reserves[1]);
        Assert.Equal([TimeSpan.FromMilliseconds(100)], _rig.Waits);
    }

    [Fact]
    public async Task BeginBillableCall_UnavailableEveryTry_ThrowsPoolUnavailableAfterThreeTriesWithoutRelease()
    {
        for (int i = 0; i < 3; i++)
        {
            Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.Unavailable));
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.Equal("call-1", error.RequestId);
        Assert.Null(error.InnerException);
        Assert.Equal(3, Pool.Reserves.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)], _rig.Waits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_ThrowsEveryTry_ReleasesBestEffortAndThrowsPoolUnavailable()
    {
        var timeout = new TimeoutException("no answer");
        for (int i = 0; i < 3; i++)
        {
            Pool.ReserveAnswers.Enqueue(() => throw timeout);
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Null(error.Outcome);
        Assert.Same(timeout, error.InnerException);
        Assert.Equal(3, Pool.Reserves.Count);
        Assert.Equal(["call-1"], Pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_TooManyOpenReservations_ThrowsPoolUnavailableWithoutRetry()
    {
        Pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.TooManyOpenReservations));

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Equal(Outcome.TooManyOpenReservations, error.Outcome);
        Assert.Single(Pool.Reserves);
    }

    // ---- the scope ----

    [Fact]
    public async Task BillableCall_ScopeLeftWithoutCommit_ReleasesExactlyOnce()
    {
        await using (await Begin())
        {
            // The call did not happen.
        }

        Assert.Equal(["call-1"], Pool.Releases);
        Assert.Empty(Pool.Commits);
    }

    [Fact]
    public async Task BillableCall_DisposedTwice_ReleasesOnce()
    {
        var call = await Begin();

        await call.DisposeAsync();
        await call.DisposeAsync();

        Assert.Equal(["call-1"], Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_ExceptionInsideScope_ReleasesTheHold()
    {
        var boom = new InvalidOperationException("model call failed");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var call = await Begin();
            throw boom;
        });

        Assert.Same(boom, thrown);
        Assert.Equal(["call-1"], Pool.Releases);
        Assert.Empty(Pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CancelledTokenInsideScope_ReleasesTheHold()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await using var call = await Client().BeginBillableCallAsync(PoolId, 500, "chat", new BillableCallOptions { RequestId = "call-1" }, cts.Token);
            await cts.CancelAsync();
            await ModelCall(cts.Token);
            await call.CommitAsync(420, 100, 20, "gpt-x", ct: cts.Token);
        });

        Assert.Equal(["call-1"], Pool.Releases);
        Assert.Empty(Pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CommitSucceeds_ReturnsTheReceiptAndDoesNotRelease()
    {
        PoolCommitReceipt receipt;
        await using (var call = await Begin())
        {
            receipt = await call.CommitAsync(420, 100, 20, "gpt-x", usageType: "chat-long", callDetailsJson: """{"route":"a"}""", ct: Ct);
            Assert.True(call.IsCommitted);
        }

        Assert.Equal(new PoolCommitReceipt("call-1", ReservationState.Committed, 420, 420, 10_000, 9_580, Late: false), receipt);
        Assert.Equal([new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x", "chat-long", """{"route":"a"}""")], Pool.Commits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitTwice_ThrowsInvalidOperationAndSendsOneCommit()
    {
        await using var call = await Begin();
        await Commit(call);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Commit(call));

        Assert.Single(Pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CommitAfterDispose_ThrowsInvalidOperationAndSendsNothing()
    {
        var call = await Begin();
        await call.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Commit(call));

        Assert.Empty(Pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CommitWithInvalidArguments_ThrowsArgumentExceptionAndLeavesTheCallOpen()
    {
        await using (var call = await Begin())
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => call.CommitAsync(-1, 100, 20, "gpt-x", ct: Ct));

            Assert.Equal("actualMicros", error.ParamName);
            Assert.Empty(Pool.Commits);
            await Commit(call);
        }

        Assert.Single(Pool.Commits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitUnavailableThenOk_ReturnsOneReceiptWithoutRelease()
    {
        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Unavailable));

        PoolCommitReceipt receipt;
        await using (var call = await Begin())
        {
            receipt = await Commit(call);
        }

        Assert.Equal(420, receipt.ActualMicros);
        Assert.Equal(2, Pool.Commits.Count);
        Assert.Equal(Pool.Commits[0], Pool.Commits[1]);
        Assert.Equal([TimeSpan.FromMilliseconds(100)], _rig.Waits);
        Assert.Empty(Pool.Releases);
    }

    [Theory]
    [InlineData(Outcome.ReservationNotOpen)]
    [InlineData(Outcome.NotFound)]
    [InlineData(Outcome.RequestIdConflict)]
    [InlineData(Outcome.InvalidRequest)]
    public async Task BillableCall_CommitRefused_ThrowsSettlementAtOnceAndNeverReleases(Outcome refusal)
    {
        // Was: the helper released the hold after a refused commit. A refusal is final (re-sending
        // gets the same answer), so it ends at once; but the call ran, so the hold is not released.
        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(refusal));

        SettlementException error;
        await using (var call = await Begin())
        {
            error = await Assert.ThrowsAsync<SettlementException>(() => Commit(call));
            Assert.False(call.IsCommitted);
        }

        Assert.Equal(refusal, error.Outcome);
        Assert.Equal("call-1", error.RequestId);
        Assert.Equal(PoolId, error.PoolId);
        Assert.Equal(new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x"), error.Commit);
        Assert.False(error.CanResend);
        Assert.Equal(1, error.Tries);
        Assert.Null(error.InnerException);
        Assert.Single(Pool.Commits);
        Assert.Empty(_rig.Waits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitUnavailableThenRefused_StopsAtTheRefusal()
    {
        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Unavailable));
        Pool.CommitAnswers.Enqueue(() => throw new TimeoutException("no answer"));
        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.ReservationNotOpen));

        await using var call = await Begin();
        var error = await Assert.ThrowsAsync<SettlementException>(() => Commit(call));

        Assert.Equal(Outcome.ReservationNotOpen, error.Outcome);
        Assert.Equal(3, error.Tries);
        Assert.Equal(3, Pool.Commits.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], _rig.Waits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitThrowsButLanded_ReturnsTheReplayedReceiptWithoutRelease()
    {
        // The first tries throw, but one did land: a later try of the same commit is answered with
        // its receipt. Was: three tries, then a release that found the reservation committed.
        for (int i = 0; i < 3; i++)
        {
            Pool.CommitAnswers.Enqueue(() => throw new TimeoutException("no answer"));
        }

        Pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Replayed, new PoolCommitReceipt("call-1", ReservationState.Committed, 420, 420, 10_000, 9_580, Late: false)));

        await using var call = await Begin();
        var receipt = await Commit(call);

        Assert.Equal(420, receipt.ActualMicros);
        Assert.True(call.IsCommitted);
        Assert.Equal(4, Pool.Commits.Count);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitWithInvalidArgumentsThenDisposed_DoesNotRelease()
    {
        await using (var call = await Begin())
        {
            await Assert.ThrowsAsync<ArgumentException>(() => call.CommitAsync(420, 100, 20, model: "", ct: Ct));
        }

        Assert.Empty(Pool.Commits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitWithCancelledTokenThenDisposed_DoesNotRelease()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await cts.CancelAsync();

        await using (var call = await Begin())
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => call.CommitAsync(420, 100, 20, "gpt-x", ct: cts.Token));
        }

        Assert.Empty(Pool.Commits);
        Assert.Empty(Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_DisposeWhenReleaseThrows_DoesNotThrow()
    {
        for (int i = 0; i < 3; i++)
        {
            Pool.ReleaseAnswers.Enqueue(() => throw new TimeoutException("no answer"));
        }

        var call = await Begin();
        var thrown = await Record.ExceptionAsync(async () => await call.DisposeAsync());

        Assert.Null(thrown);
        Assert.Equal(["call-1", "call-1", "call-1"], Pool.Releases);
    }

    [Fact]
    public async Task BillableCall_DisposeWhenReleaseUnavailable_RetriesThenGivesUp()
    {
        for (int i = 0; i < 3; i++)
        {
            Pool.ReleaseAnswers.Enqueue(() => new PoolReleaseResult(Outcome.Unavailable));
        }

        await (await Begin()).DisposeAsync();

        Assert.Equal(3, Pool.Releases.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)], _rig.Waits);
    }

    // ---- free usage ----

    [Fact]
    public async Task RecordFreeUsage_Created_ReturnsTheRecord()
    {
        var record = await Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct);

        Assert.Equal("free-1", record.RequestId);
        Assert.False(record.Billed);
        Assert.Equal([new PoolFreeUsageRequest("free-1", "chat", 300, 100, 20, "gpt-x")], Pool.FreeUsages);
    }

    [Fact]
    public async Task RecordFreeUsage_RequestIdConflict_ThrowsRequestIdConflictException()
    {
        Pool.FreeUsageAnswers.Enqueue(() => new PoolUsageResult(Outcome.RequestIdConflict));

        var error = await Assert.ThrowsAsync<RequestIdConflictException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct));

        Assert.Equal("free-1", error.RequestId);
    }

    [Fact]
    public async Task RecordFreeUsage_UnavailableEveryTry_ThrowsPoolUnavailable()
    {
        for (int i = 0; i < 3; i++)
        {
            Pool.FreeUsageAnswers.Enqueue(() => new PoolUsageResult(Outcome.Unavailable));
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct));

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.Equal(3, Pool.FreeUsages.Count);
    }

    [Fact]
    public async Task RecordFreeUsage_InvalidCallDetails_ThrowsArgumentExceptionAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", "{not json", Ct));

        Assert.Equal("callDetails", error.ParamName);
        Assert.Empty(Pool.FreeUsages);
    }

    // ---- registration ----

    [Fact]
    public void AddPoolBilling_CalledTwice_RegistersOneSingleton()
    {
        var services = new ServiceCollection();

        services.AddPoolBilling().AddPoolBilling();

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(PoolBillingClient));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    /// <summary>The caller's work inside the scope, observing its token as a model call would.</summary>
    private static async Task ModelCall(CancellationToken ct)
    {
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
    }
}
