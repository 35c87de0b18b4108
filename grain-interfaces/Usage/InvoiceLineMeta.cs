namespace Metering.GrainInterfaces.Usage;

/// <summary>The counts behind an invoice line.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InvoiceLineMeta")]
public sealed record InvoiceLineMeta(
    [property: Id(0)] long InputTokens,
    [property: Id(1)] long OutputTokens,
    [property: Id(2)] long Requests);
