namespace Metering.GrainInterfaces.Pools;

/// <summary>
/// One audit record: every commit (<see cref="Billed"/> true, <see cref="CostMicros"/> debited)
/// and every free call (false, nothing debited) leaves exactly one.
/// </summary>
/// <param name="CallDetails">The JSON text the caller sent, or null.</param>
/// <param name="Sequence">The record's position in the pool's audit log (1, 2, ...): the paging cursor.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolUsageRecord")]
public sealed record PoolUsageRecord(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string UsageType,
    [property: Id(2)] long PromptTokens,
    [property: Id(3)] long CompletionTokens,
    [property: Id(4)] long TotalTokens,
    [property: Id(5)] long CostMicros,
    [property: Id(6)] string Model,
    [property: Id(7)] string? CallDetails,
    [property: Id(8)] bool Billed,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] long Sequence);
