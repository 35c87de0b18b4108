using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> with the usage, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortUsageViewResult")]
public sealed record PortUsageViewResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortUsageView? Usage = null,
    [property: Id(2)] ValidationErrors? Errors = null);
