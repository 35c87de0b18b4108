using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Created"/> or <see cref="Outcome.Replayed"/> with the receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortUsageResult")]
public sealed record PortUsageResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortCallReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
