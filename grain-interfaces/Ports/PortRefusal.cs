namespace Metering.GrainInterfaces.Ports;

/// <summary>Why a reserve was refused (402): the period's committed tokens and the hard cap.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortRefusal")]
public sealed record PortRefusal(
    [property: Id(0)] long UsedTokens,
    [property: Id(1)] long CapTokens);
