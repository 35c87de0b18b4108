using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> with the budget, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortBudgetResult")]
public sealed record PortBudgetResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortBudget? Budget = null,
    [property: Id(2)] ValidationErrors? Errors = null);
