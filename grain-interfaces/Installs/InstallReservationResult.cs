using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary><see cref="Outcome.Ok"/> with the view, <see cref="Outcome.NotFound"/>, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallReservationResult")]
public sealed record InstallReservationResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] InstallReservationView? Reservation = null,
    [property: Id(2)] ValidationErrors? Errors = null);
