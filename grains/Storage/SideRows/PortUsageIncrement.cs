namespace Metering.Grains.Storage;

/// <summary>Tokens and calls to add to one (day, feature) cell of <c>port_usage_day</c>, staged with the operation that used them.</summary>
internal sealed record PortUsageIncrement(DateOnly Day, string Feature, long Tokens, long Calls) : SideRow;
