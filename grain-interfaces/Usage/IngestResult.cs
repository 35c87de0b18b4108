using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Usage;

/// <summary>
/// <see cref="Outcome.Ok"/> with one result per event, in order; or <see cref="Outcome.Unavailable"/>
/// (nothing was stored; retry the whole call, events are idempotent) or <see cref="Outcome.InvalidRequest"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.IngestResult")]
public sealed record IngestResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<EventOutcome> Events,
    [property: Id(2)] ValidationErrors? Errors = null);
