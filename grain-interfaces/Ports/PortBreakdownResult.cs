using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> with one item per feature (ordered by feature), or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortBreakdownResult")]
public sealed record PortBreakdownResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PortFeatureUsage> Items,
    [property: Id(2)] ValidationErrors? Errors = null);
