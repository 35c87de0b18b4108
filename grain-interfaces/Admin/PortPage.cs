using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.GrainInterfaces.Admin;

/// <summary>One page of ports, each as <c>GET /v1/ports/{portId}</c> answers it; <see cref="Next"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortPage")]
public sealed record PortPage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<PortView> Items,
    [property: Id(2)] string? Next);
