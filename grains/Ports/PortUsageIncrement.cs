namespace Metering.Grains.Ports;

/// <summary>Tokens and calls to add to one (day, feature) cell, staged with the operation that used them.</summary>
internal sealed record PortUsageIncrement(DateOnly Day, string Feature, long Tokens, long Calls);
