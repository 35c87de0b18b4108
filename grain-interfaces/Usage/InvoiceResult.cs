using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Usage;

/// <summary><see cref="Outcome.Ok"/> with the lines, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InvoiceResult")]
public sealed record InvoiceResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<InvoiceLine> Lines,
    [property: Id(2)] ValidationErrors? Errors = null);
