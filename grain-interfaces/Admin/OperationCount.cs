namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// Account operations answered over an activity window, by account kind (<c>install</c>, <c>pool</c>,
/// <c>port</c>), operation (<c>reserve</c>, <c>commit</c>, ...) and outcome (an <see cref="Common.Outcome"/> name).
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.OperationCount")]
public sealed record OperationCount(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Operation,
    [property: Id(2)] string Outcome,
    [property: Id(3)] long Count);
