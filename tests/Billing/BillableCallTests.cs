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
    private const string PoolId = "pool-1";

    private static readonly DateTimeOffset Expiry = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakePool _pool = new();

    private readonly List<TimeSpan> _waits = [];

    private readonly List<string> _poolsAsked = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PoolBillingClient Client() => new(
        poolId =>
        {
            _poolsAsked.Add(poolId);
            return _pool;
        },
        new RetryPolicy(wait =>
        {
            _waits.Add(wait);
            return Task.CompletedTask;
        }));

    private Task<BillableCall> Begin(string requestId = "call-1", long reserveMicros = 500)
        => Client().BeginBillableCallAsync(PoolId, reserveMicros, "chat", new BillableCallOptions { RequestId = requestId }, Ct);

    private static Task<PoolCommitReceipt> Commit(BillableCall call, long actualMicros = 420)
        => call.CommitAsync(actualMicros, promptTokens: 100, completionTokens: 20, model: "gpt-x", ct: Ct);

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
        Assert.Equal([PoolId], _poolsAsked);
        Assert.Equal([new PoolReserveRequest("call-1", 500, "chat", Limits.DefaultTtlSeconds)], _pool.Reserves);
    }

    [Fact]
    public async Task BeginBillableCall_NoOptions_SendsANewGuidRequestIdAndTheDefaultTtl()
    {
        await using var first = await Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: Ct);
        await using var second = await Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: Ct);

        Assert.Matches("^[0-9a-f]{32}$", first.RequestId);
        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.All(_pool.Reserves, r => Assert.Equal(Limits.DefaultTtlSeconds, r.TtlSeconds));
    }

    [Fact]
    public async Task BeginBillableCall_QuotaRefused_ThrowsQuotaInsufficientWithTheBalance()
    {
        _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.QuotaInsufficient, Refusal: new PoolRefusal("chat", UsedMicros: 9_800, LimitMicros: 10_000, RemainingMicros: 200)));

        var error = await Assert.ThrowsAsync<QuotaInsufficientException>(() => Begin());

        Assert.Equal(PoolId, error.PoolId);
        Assert.Equal("call-1", error.RequestId);
        Assert.Equal("chat", error.UsageType);
        Assert.Equal(500, error.RequestedMicros);
        Assert.Equal(9_800, error.UsedMicros);
        Assert.Equal(10_000, error.LimitMicros);
        Assert.Equal(200, error.RemainingMicros);
        Assert.Single(_pool.Reserves);
        Assert.Empty(_pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_InvalidArguments_ThrowsArgumentExceptionNamingTheFieldsAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().BeginBillableCallAsync(PoolId, -1, "", new BillableCallOptions { TtlSeconds = 0 }, Ct));

        Assert.Equal("reserveMicros", error.ParamName);
        Assert.Contains("reserveMicros must be an integer from 0 to 10^15", error.Message, StringComparison.Ordinal);
        Assert.Contains("ttlSeconds must be an integer from 1 to 86400", error.Message, StringComparison.Ordinal);
        Assert.Contains("usageType must be 1 to 128 characters", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pool.Reserves);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public async Task BeginBillableCall_InvalidPoolId_ThrowsArgumentExceptionAndSendsNothing(string poolId)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().BeginBillableCallAsync(poolId, 500, "chat", ct: Ct));

        Assert.Equal("poolId", error.ParamName);
        Assert.Empty(_poolsAsked);
    }

    [Fact]
    public async Task BeginBillableCall_PoolAnswersInvalidRequest_ThrowsArgumentExceptionNamingTheField()
    {
        var errors = new ValidationErrors();
        errors.Add("usageType", "is not a known usage type");
        _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.InvalidRequest, Errors: errors));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Begin());

        Assert.Equal("usageType", error.ParamName);
        Assert.StartsWith("Invalid request: usageType is not a known usage type.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginBillableCall_RequestIdConflict_ThrowsRequestIdConflictException()
    {
        _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.RequestIdConflict));

        var error = await Assert.ThrowsAsync<RequestIdConflictException>(() => Begin());

        Assert.Equal("call-1", error.RequestId);
        Assert.Empty(_pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_CancelledToken_ThrowsWithoutReserving()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => Client().BeginBillableCallAsync(PoolId, 500, "chat", ct: cts.Token));

        Assert.Empty(_pool.Reserves);
    }

    [Fact]
    public async Task BeginBillableCall_UnavailableThenCreated_RetriesTheSameRequestOnce()
    {
        _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.Unavailable));

        await using var call = await Begin();

        Assert.Equal("call-1", call.RequestId);
        Assert.Equal(2, _pool.Reserves.Count);
        Assert.Equal(_pool.Reserves[0], _pool.Reserves[1]);
        Assert.Equal([TimeSpan.FromMilliseconds(100)], _waits);
    }

    [Fact]
    public async Task BeginBillableCall_UnavailableEveryTry_ThrowsPoolUnavailableAfterThreeTriesWithoutRelease()
    {
        for (int i = 0; i < 3; i++)
        {
            _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.Unavailable));
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.Equal("call-1", error.RequestId);
        Assert.Null(error.InnerException);
        Assert.Equal(3, _pool.Reserves.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)], _waits);
        Assert.Empty(_pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_ThrowsEveryTry_ReleasesBestEffortAndThrowsPoolUnavailable()
    {
        var timeout = new TimeoutException("no answer");
        for (int i = 0; i < 3; i++)
        {
            _pool.ReserveAnswers.Enqueue(() => throw timeout);
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Null(error.Outcome);
        Assert.Same(timeout, error.InnerException);
        Assert.Equal(3, _pool.Reserves.Count);
        Assert.Equal(["call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BeginBillableCall_TooManyOpenReservations_ThrowsPoolUnavailableWithoutRetry()
    {
        _pool.ReserveAnswers.Enqueue(() => new PoolReserveResult(Outcome.TooManyOpenReservations));

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Begin());

        Assert.Equal(Outcome.TooManyOpenReservations, error.Outcome);
        Assert.Single(_pool.Reserves);
    }

    // ---- the scope ----

    [Fact]
    public async Task BillableCall_ScopeLeftWithoutCommit_ReleasesExactlyOnce()
    {
        await using (await Begin())
        {
            // The call did not happen.
        }

        Assert.Equal(["call-1"], _pool.Releases);
        Assert.Empty(_pool.Commits);
    }

    [Fact]
    public async Task BillableCall_DisposedTwice_ReleasesOnce()
    {
        var call = await Begin();

        await call.DisposeAsync();
        await call.DisposeAsync();

        Assert.Equal(["call-1"], _pool.Releases);
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
        Assert.Equal(["call-1"], _pool.Releases);
        Assert.Empty(_pool.Commits);
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

        Assert.Equal(["call-1"], _pool.Releases);
        Assert.Empty(_pool.Commits);
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
        Assert.Equal([new PoolCommitRequest("call-1", 420, 100, 20, "gpt-x", "chat-long", """{"route":"a"}""")], _pool.Commits);
        Assert.Empty(_pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitTwice_ThrowsInvalidOperationAndSendsOneCommit()
    {
        await using var call = await Begin();
        await Commit(call);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Commit(call));

        Assert.Single(_pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CommitAfterDispose_ThrowsInvalidOperationAndSendsNothing()
    {
        var call = await Begin();
        await call.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Commit(call));

        Assert.Empty(_pool.Commits);
    }

    [Fact]
    public async Task BillableCall_CommitWithInvalidArguments_ThrowsArgumentExceptionAndLeavesTheCallOpen()
    {
        await using (var call = await Begin())
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => call.CommitAsync(-1, 100, 20, "gpt-x", ct: Ct));

            Assert.Equal("actualMicros", error.ParamName);
            Assert.Empty(_pool.Commits);
            await Commit(call);
        }

        Assert.Single(_pool.Commits);
        Assert.Empty(_pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitUnavailableThenOk_ReturnsOneReceiptWithoutRelease()
    {
        _pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Unavailable));

        PoolCommitReceipt receipt;
        await using (var call = await Begin())
        {
            receipt = await Commit(call);
        }

        Assert.Equal(420, receipt.ActualMicros);
        Assert.Equal(2, _pool.Commits.Count);
        Assert.Equal(_pool.Commits[0], _pool.Commits[1]);
        Assert.Equal([TimeSpan.FromMilliseconds(100)], _waits);
        Assert.Empty(_pool.Releases);
    }

    [Theory]
    [InlineData(Outcome.ReservationNotOpen)]
    [InlineData(Outcome.NotFound)]
    [InlineData(Outcome.RequestIdConflict)]
    [InlineData(Outcome.InvalidRequest)]
    public async Task BillableCall_CommitRefused_ThrowsSettlementAndReleasesOnce(Outcome refusal)
    {
        _pool.CommitAnswers.Enqueue(() => new PoolCommitResult(refusal));

        SettlementException error;
        await using (var call = await Begin())
        {
            error = await Assert.ThrowsAsync<SettlementException>(() => Commit(call));
            Assert.False(call.IsCommitted);
        }

        Assert.Equal(refusal, error.Outcome);
        Assert.Equal("call-1", error.RequestId);
        Assert.Equal(PoolId, error.PoolId);
        Assert.True(error.HoldReleased);
        Assert.Null(error.InnerException);
        Assert.Single(_pool.Commits);
        Assert.Equal(["call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitUnavailableEveryTry_ThrowsSettlementAfterThreeTriesAndReleases()
    {
        for (int i = 0; i < 3; i++)
        {
            _pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Unavailable));
        }

        await using var call = await Begin();
        var error = await Assert.ThrowsAsync<SettlementException>(() => Commit(call));

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.True(error.HoldReleased);
        Assert.Equal(3, _pool.Commits.Count);
        Assert.Equal(["call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitThrowsEveryTryAndReleaseFails_ThrowsSettlementWithTheInnerException()
    {
        var timeout = new TimeoutException("no answer");
        for (int i = 0; i < 3; i++)
        {
            _pool.CommitAnswers.Enqueue(() => throw timeout);
            _pool.ReleaseAnswers.Enqueue(() => new PoolReleaseResult(Outcome.Unavailable));
        }

        await using var call = await Begin();
        var error = await Assert.ThrowsAsync<SettlementException>(() => Commit(call));

        Assert.Null(error.Outcome);
        Assert.Same(timeout, error.InnerException);
        Assert.False(error.HoldReleased);
        Assert.Equal(3, _pool.Commits.Count);
        Assert.Equal(["call-1", "call-1", "call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BillableCall_CommitThrowsButLanded_ReturnsTheReplayedReceipt()
    {
        // Every try throws, but the first did land: the release finds the reservation committed,
        // and a replay of the same commit answers its receipt.
        for (int i = 0; i < 3; i++)
        {
            _pool.CommitAnswers.Enqueue(() => throw new TimeoutException("no answer"));
        }

        _pool.ReleaseAnswers.Enqueue(() => new PoolReleaseResult(Outcome.ReservationNotOpen));
        _pool.CommitAnswers.Enqueue(() => new PoolCommitResult(Outcome.Replayed, new PoolCommitReceipt("call-1", ReservationState.Committed, 420, 420, 10_000, 9_580, Late: false)));

        await using var call = await Begin();
        var receipt = await Commit(call);

        Assert.Equal(420, receipt.ActualMicros);
        Assert.True(call.IsCommitted);
        Assert.Equal(4, _pool.Commits.Count);
        Assert.Equal(["call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BillableCall_DisposeWhenReleaseThrows_DoesNotThrow()
    {
        for (int i = 0; i < 3; i++)
        {
            _pool.ReleaseAnswers.Enqueue(() => throw new TimeoutException("no answer"));
        }

        var call = await Begin();
        var thrown = await Record.ExceptionAsync(async () => await call.DisposeAsync());

        Assert.Null(thrown);
        Assert.Equal(["call-1", "call-1", "call-1"], _pool.Releases);
    }

    [Fact]
    public async Task BillableCall_DisposeWhenReleaseUnavailable_RetriesThenGivesUp()
    {
        for (int i = 0; i < 3; i++)
        {
            _pool.ReleaseAnswers.Enqueue(() => new PoolReleaseResult(Outcome.Unavailable));
        }

        await (await Begin()).DisposeAsync();

        Assert.Equal(3, _pool.Releases.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)], _waits);
    }

    // ---- free usage ----

    [Fact]
    public async Task RecordFreeUsage_Created_ReturnsTheRecord()
    {
        var record = await Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct);

        Assert.Equal("free-1", record.RequestId);
        Assert.False(record.Billed);
        Assert.Equal([new PoolFreeUsageRequest("free-1", "chat", 300, 100, 20, "gpt-x")], _pool.FreeUsages);
    }

    [Fact]
    public async Task RecordFreeUsage_RequestIdConflict_ThrowsRequestIdConflictException()
    {
        _pool.FreeUsageAnswers.Enqueue(() => new PoolUsageResult(Outcome.RequestIdConflict));

        var error = await Assert.ThrowsAsync<RequestIdConflictException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct));

        Assert.Equal("free-1", error.RequestId);
    }

    [Fact]
    public async Task RecordFreeUsage_UnavailableEveryTry_ThrowsPoolUnavailable()
    {
        for (int i = 0; i < 3; i++)
        {
            _pool.FreeUsageAnswers.Enqueue(() => new PoolUsageResult(Outcome.Unavailable));
        }

        var error = await Assert.ThrowsAsync<PoolUnavailableException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", ct: Ct));

        Assert.Equal(Outcome.Unavailable, error.Outcome);
        Assert.Equal(3, _pool.FreeUsages.Count);
    }

    [Fact]
    public async Task RecordFreeUsage_InvalidCallDetails_ThrowsArgumentExceptionAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().RecordFreeUsageAsync(PoolId, "free-1", "chat", 300, 100, 20, "gpt-x", "{not json", Ct));

        Assert.Equal("callDetails", error.ParamName);
        Assert.Empty(_pool.FreeUsages);
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

    /// <summary>
    /// A scripted pool: each method answers the next queued answer (which may throw), or a plain
    /// success when none is queued, and records what it was sent. Balance: limit 10,000, nothing used.
    /// </summary>
    private sealed class FakePool : IPoolGrain
    {
        public Queue<Func<PoolReserveResult>> ReserveAnswers { get; } = new();

        public Queue<Func<PoolCommitResult>> CommitAnswers { get; } = new();

        public Queue<Func<PoolReleaseResult>> ReleaseAnswers { get; } = new();

        public Queue<Func<PoolUsageResult>> FreeUsageAnswers { get; } = new();

        public List<PoolReserveRequest> Reserves { get; } = [];

        public List<PoolCommitRequest> Commits { get; } = [];

        public List<string> Releases { get; } = [];

        public List<PoolFreeUsageRequest> FreeUsages { get; } = [];

        public Task<PoolReserveResult> Reserve(PoolReserveRequest request)
        {
            Reserves.Add(request);
            return Answer(ReserveAnswers, () => new PoolReserveResult(Outcome.Created,
                new PoolReservation(request.RequestId, ReservationState.Reserved, request.ReserveMicros, 0, 10_000, 10_000 - request.ReserveMicros, Expiry)));
        }

        public Task<PoolCommitResult> Commit(PoolCommitRequest request)
        {
            Commits.Add(request);
            return Answer(CommitAnswers, () => new PoolCommitResult(Outcome.Ok,
                new PoolCommitReceipt(request.RequestId, ReservationState.Committed, request.ActualMicros, request.ActualMicros, 10_000, 10_000 - request.ActualMicros, Late: false)));
        }

        public Task<PoolReleaseResult> Release(string requestId)
        {
            Releases.Add(requestId);
            return Answer(ReleaseAnswers, () => new PoolReleaseResult(Outcome.Ok,
                new PoolReleaseReceipt(requestId, ReservationState.Released, 500, 0, 10_000, 10_000)));
        }

        public Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request)
        {
            FreeUsages.Add(request);
            return Answer(FreeUsageAnswers, () => new PoolUsageResult(Outcome.Created,
                new PoolUsageRecord(request.RequestId, request.UsageType, request.PromptTokens, request.CompletionTokens,
                    request.PromptTokens + request.CompletionTokens, request.CostMicros, request.Model, request.CallDetails, Billed: false, Expiry, Sequence: 1)));
        }

        public Task<PoolAccountResult> SetLimit(long limitMicros) => throw new NotSupportedException();

        public Task<PoolGrantResult> Grant(PoolGrantRequest request) => throw new NotSupportedException();

        public Task<PoolReservationResult> GetReservation(string requestId) => throw new NotSupportedException();

        public Task<PoolAccountResult> GetPool() => throw new NotSupportedException();

        public Task<PoolUsagePage> ListUsage(PoolUsageQuery query) => throw new NotSupportedException();

        /// <summary>The next scripted answer; a throwing script faults the task, as a failed grain call does.</summary>
        private static Task<T> Answer<T>(Queue<Func<T>> answers, Func<T> otherwise)
        {
            var next = answers.TryDequeue(out var scripted) ? scripted : otherwise;
            try
            {
                return Task.FromResult(next());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }
    }
}
