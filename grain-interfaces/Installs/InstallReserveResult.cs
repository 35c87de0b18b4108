using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>
/// The answer to an install reserve: <see cref="Outcome.Created"/> or <see cref="Outcome.Replayed"/>
/// with <see cref="Reservation"/>; <see cref="Outcome.OutOfCredits"/> or
/// <see cref="Outcome.GeminiCapExceededNoHardware"/> with the balance; or an error outcome.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallReserveResult")]
public sealed record InstallReserveResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] InstallReservation? Reservation = null,
    [property: Id(2)] long? Remaining = null,
    [property: Id(3)] long? GeminiRemaining = null,
    [property: Id(4)] ValidationErrors? Errors = null);
