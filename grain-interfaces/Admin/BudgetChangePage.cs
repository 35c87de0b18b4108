using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Admin;

/// <summary>One page of budget changes, newest first; <see cref="Next"/> is the sequence number to page on from, null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("Metering.BudgetChangePage")]
public sealed record BudgetChangePage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<BudgetChange> Items,
    [property: Id(2)] long? Next);
