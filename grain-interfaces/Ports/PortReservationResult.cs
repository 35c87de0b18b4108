using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary><see cref="Outcome.Ok"/> with the view, <see cref="Outcome.NotFound"/>, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortReservationResult")]
public sealed record PortReservationResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortReservationView? Reservation = null,
    [property: Id(2)] ValidationErrors? Errors = null);
