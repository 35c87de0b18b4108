namespace Metering.GrainInterfaces.Ports;

/// <summary>A port's budget and its usage in the current period, as of now.</summary>
/// <param name="Remaining">Tokens left under the hard cap after use and holds; null when the budget is disabled.</param>
/// <param name="SoftCap">True when usage has reached the soft cap.</param>
[GenerateSerializer, Immutable, Alias("Metering.PortView")]
public sealed record PortView(
    [property: Id(0)] string PortId,
    [property: Id(1)] PortBudget Budget,
    [property: Id(2)] DateTimeOffset PeriodStart,
    [property: Id(3)] long UsedTokens,
    [property: Id(4)] long ReservedTokens,
    [property: Id(5)] long? Remaining,
    [property: Id(6)] bool SoftCap);
