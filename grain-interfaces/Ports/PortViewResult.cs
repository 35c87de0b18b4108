using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> with the port, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortViewResult")]
public sealed record PortViewResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortView? Port = null,
    [property: Id(2)] ValidationErrors? Errors = null);
