namespace Metering.GrainInterfaces.Ports;

/// <summary>One feature's committed tokens and calls in the current period.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortFeatureUsage")]
public sealed record PortFeatureUsage(
    [property: Id(0)] string Feature,
    [property: Id(1)] long Tokens,
    [property: Id(2)] long Calls);
