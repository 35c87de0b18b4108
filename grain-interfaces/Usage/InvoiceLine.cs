namespace Metering.GrainInterfaces.Usage;

/// <summary>
/// One invoice line: a deployment's LLM usage in the period. <see cref="AmountCents"/> is the exact
/// sum of the charges times 100, rounded once, half away from zero.
/// </summary>
/// <param name="Qty">Input plus output tokens.</param>
/// <param name="UnitPriceCents">Always null: events are priced one by one.</param>
[GenerateSerializer, Immutable, Alias("Metering.InvoiceLine")]
public sealed record InvoiceLine(
    [property: Id(0)] string DeploymentId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string ResourceKind,
    [property: Id(3)] string Description,
    [property: Id(4)] long Qty,
    [property: Id(5)] string Unit,
    [property: Id(6)] long? UnitPriceCents,
    [property: Id(7)] long AmountCents,
    [property: Id(8)] InvoiceLineMeta Meta);
