using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.Tests.Billing;

/// <summary>
/// A scripted pool: each method answers the next queued answer (which may throw), or a plain
/// success when none is queued, and records what it was sent. Balance: limit 10,000, nothing used.
/// Commits can also be failed for a stretch of the fake clock (a storage blip, a failover).
/// </summary>
internal sealed class FakePool(TimeProvider clock) : IPoolGrain
{
    /// <summary>The expiry of every hold this pool gives.</summary>
    public static readonly DateTimeOffset Expiry = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public Queue<Func<PoolReserveResult>> ReserveAnswers { get; } = new();

    public Queue<Func<PoolCommitResult>> CommitAnswers { get; } = new();

    public Queue<Func<PoolReleaseResult>> ReleaseAnswers { get; } = new();

    public Queue<Func<PoolUsageResult>> FreeUsageAnswers { get; } = new();

    /// <summary>While the clock reads before this, every commit gets <see cref="CommitOutage"/> instead of its scripted answer.</summary>
    public DateTimeOffset CommitDownUntil { get; set; } = DateTimeOffset.MinValue;

    /// <summary>What a commit gets during the outage: <c>Unavailable</c> unless a test says otherwise (a throw, a slow throw).</summary>
    public Func<PoolCommitResult> CommitOutage { get; set; } = static () => new PoolCommitResult(Outcome.Unavailable);

    public List<PoolReserveRequest> Reserves { get; } = [];

    public List<PoolCommitRequest> Commits { get; } = [];

    /// <summary>When each commit try arrived, on the fake clock.</summary>
    public List<DateTimeOffset> CommitTimes { get; } = [];

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
        CommitTimes.Add(clock.GetUtcNow());
        if (clock.GetUtcNow() < CommitDownUntil)
        {
            return Run(CommitOutage);
        }

        return Answer(CommitAnswers, () => new PoolCommitResult(Outcome.Ok, Receipt(request)));
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

    /// <summary>The receipt of <paramref name="request"/> recorded on this pool's balance.</summary>
    public static PoolCommitReceipt Receipt(PoolCommitRequest request)
        => new(request.RequestId, ReservationState.Committed, request.ActualMicros, request.ActualMicros, 10_000, 10_000 - request.ActualMicros, Late: false);

    /// <summary>The next scripted answer, else <paramref name="otherwise"/>.</summary>
    private static Task<T> Answer<T>(Queue<Func<T>> answers, Func<T> otherwise)
        => Run(answers.TryDequeue(out var scripted) ? scripted : otherwise);

    /// <summary>A throwing script faults the task, as a failed grain call does.</summary>
    private static Task<T> Run<T>(Func<T> answer)
    {
        try
        {
            return Task.FromResult(answer());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
