using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> or <see cref="Outcome.Replayed"/> with a receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortReleaseResult")]
public sealed record PortReleaseResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortReleaseReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
