namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// The shared flush over an activity window: transactions, the operations they carried (batch
/// size = operations / transactions, and the largest batch), and their time in seconds (total
/// and the longest).
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.FlushSummary")]
public sealed record FlushSummary(
    [property: Id(0)] long Transactions,
    [property: Id(1)] long Operations,
    [property: Id(2)] long MaxBatch,
    [property: Id(3)] double TotalSeconds,
    [property: Id(4)] double MaxSeconds)
{
    /// <summary>No flush.</summary>
    public static FlushSummary None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Both windows together.</summary>
    public FlushSummary Plus(FlushSummary other) => new(
        Transactions + other.Transactions, Operations + other.Operations, Math.Max(MaxBatch, other.MaxBatch),
        TotalSeconds + other.TotalSeconds, Math.Max(MaxSeconds, other.MaxSeconds));
}
