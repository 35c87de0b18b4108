namespace Metering.GrainInterfaces.Admin;

/// <summary>What one silo's ledger did in the last <see cref="WindowSeconds"/> seconds before <see cref="At"/>.</summary>
/// <param name="Silo">The silo's address (Orleans' <c>SiloAddress</c> as text).</param>
/// <param name="NearLimits">The accounts on this silo nearest their limits, fullest first (at most
/// <see cref="Common.Limits.NearLimitsTracked"/>); null from a silo that predates the list.</param>
[GenerateSerializer, Immutable, Alias("Metering.SiloActivity")]
public sealed record SiloActivity(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int WindowSeconds,
    [property: Id(3)] IReadOnlyList<OperationCount> Operations,
    [property: Id(4)] FlushSummary Flush,
    [property: Id(5)] IReadOnlyList<NearLimit> NearLimits);
