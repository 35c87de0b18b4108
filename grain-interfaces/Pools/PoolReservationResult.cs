using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary><see cref="Outcome.Ok"/> with the view, <see cref="Outcome.NotFound"/>, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolReservationResult")]
public sealed record PoolReservationResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolReservationView? Reservation = null,
    [property: Id(2)] ValidationErrors? Errors = null);
