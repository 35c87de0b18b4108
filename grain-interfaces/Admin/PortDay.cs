namespace Metering.GrainInterfaces.Admin;

/// <summary>One port's committed tokens (input plus output) and calls of one feature on one UTC day.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortDay")]
public sealed record PortDay(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] string Feature,
    [property: Id(2)] long Tokens,
    [property: Id(3)] long Calls);
