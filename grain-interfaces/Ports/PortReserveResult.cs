using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>
/// <see cref="Outcome.Created"/> or <see cref="Outcome.Replayed"/> with the reservation;
/// <see cref="Outcome.HardCapExceeded"/> or <see cref="Outcome.EstimatedExceedsCap"/> with the
/// refusal; or an error outcome.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.PortReserveResult")]
public sealed record PortReserveResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PortReservation? Reservation = null,
    [property: Id(2)] PortRefusal? Refusal = null,
    [property: Id(3)] ValidationErrors? Errors = null);
