namespace Metering.GrainInterfaces.Ports;

/// <summary>
/// The token budget of one port, keyed by portId: a soft cap (warn) and a hard cap (refuse) over
/// a day, week or month, and usage by feature. Every metered call is reserve (an estimate) →
/// commit (input + output tokens) | release; usage may also be recorded without a reservation.
/// </summary>
/// <remarks>
/// Writes are durable in PostgreSQL before they answer; reserve, commit, release and usage are
/// idempotent by requestId (same body: <see cref="Common.Outcome.Replayed"/> with the first
/// answer; another body: <see cref="Common.Outcome.RequestIdConflict"/>). Periods are computed
/// from the clock at read time, so a change of period applies to usage already recorded.
/// </remarks>
[Alias("Metering.IPortGrain")]
public interface IPortGrain : IGrainWithStringKey
{
    /// <summary>The budget (the defaults until an admin changes it). Reading stores nothing.</summary>
    [Alias("GetBudget")]
    Task<PortBudgetResult> GetBudget();

    /// <summary>Merges a partial change into the budget and stores it with who made it and when.</summary>
    /// <param name="patch">Members to change; null members are kept.</param>
    /// <param name="changedBy">Who makes the change (an API key's name, a service name), 1 to 128 characters.</param>
    [Alias("SetBudget")]
    Task<PortBudgetResult> SetBudget(PortBudgetPatch patch, string changedBy);

    /// <summary>Holds an estimate of tokens for one call against the hard cap.</summary>
    [Alias("Reserve")]
    Task<PortReserveResult> Reserve(PortReserveRequest request);

    /// <summary>Finalizes a call with its input and output tokens (which may exceed the estimate).</summary>
    [Alias("Commit")]
    Task<PortCommitResult> Commit(PortCommitRequest request);

    /// <summary>Releases a hold: the call failed or was cancelled.</summary>
    [Alias("Release")]
    Task<PortReleaseResult> Release(string requestId);

    /// <summary>Records usage without a reservation (never refused: the call ran).</summary>
    [Alias("RecordUsage")]
    Task<PortUsageResult> RecordUsage(PortUsageRequest request);

    /// <summary>The state of one reservation.</summary>
    [Alias("GetReservation")]
    Task<PortReservationResult> GetReservation(string requestId);

    /// <summary>Tokens used and held in the current period, for all features or one.</summary>
    [Alias("GetUsage")]
    Task<PortUsageViewResult> GetUsage(string? feature);

    /// <summary>The budget with the current period's usage. Reading stores nothing.</summary>
    [Alias("GetPort")]
    Task<PortViewResult> GetPort();

    /// <summary>Tokens and calls per feature in the current period.</summary>
    [Alias("GetBreakdown")]
    Task<PortBreakdownResult> GetBreakdown();
}
