namespace Metering.Grains.Ports;

/// <summary>What a port hold remembers besides its estimate: the feature it was reserved for.</summary>
internal sealed record PortHoldDetail(string Feature);
