using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Admin;

/// <summary><see cref="Outcome.Ok"/> with the days, or an error outcome with its field errors.</summary>
[GenerateSerializer, Immutable, Alias("Metering.TenantDailyResult")]
public sealed record TenantDailyResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<TenantDay> Items,
    [property: Id(2)] ValidationErrors? Errors = null);
