using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Admin;

/// <summary><see cref="Outcome.Ok"/> with the days, or an error outcome with its field errors.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortDailyResult")]
public sealed record PortDailyResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PortDay> Items,
    [property: Id(2)] ValidationErrors? Errors = null);
