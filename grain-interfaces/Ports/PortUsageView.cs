namespace Metering.GrainInterfaces.Ports;

/// <summary>Tokens in the current period (for one feature when asked): committed, and held by open reservations.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortUsageView")]
public sealed record PortUsageView(
    [property: Id(0)] DateTimeOffset PeriodStart,
    [property: Id(1)] long UsedTokens,
    [property: Id(2)] long ReservedTokens);
