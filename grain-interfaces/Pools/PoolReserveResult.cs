using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>
/// <see cref="Outcome.Created"/> or <see cref="Outcome.Replayed"/> with the reservation;
/// <see cref="Outcome.QuotaInsufficient"/> with the balance it was judged on; or an error outcome.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.PoolReserveResult")]
public sealed record PoolReserveResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] PoolReservation? Reservation = null,
    [property: Id(2)] PoolRefusal? Refusal = null,
    [property: Id(3)] ValidationErrors? Errors = null);
