using Metering.GrainInterfaces.Ports;

namespace Metering.GrainInterfaces.Admin;

/// <summary>One change of a port's budget: the budget it set, who set it (an API key's name) and when.</summary>
/// <param name="Seq">The change's number in its port's history, from 1.</param>
[GenerateSerializer, Immutable, Alias("Metering.BudgetChange")]
public sealed record BudgetChange(
    [property: Id(0)] long Seq,
    [property: Id(1)] string ChangedBy,
    [property: Id(2)] DateTimeOffset ChangedAt,
    [property: Id(3)] bool Enabled,
    [property: Id(4)] long SoftCapTokens,
    [property: Id(5)] long HardCapTokens,
    [property: Id(6)] BudgetPeriod Period);
