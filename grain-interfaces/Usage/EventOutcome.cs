using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Usage;

/// <summary>The result of one event of an ingest call, with the errors when it was invalid.</summary>
[GenerateSerializer, Immutable, Alias("Metering.EventOutcome")]
public sealed record EventOutcome(
    [property: Id(0)] EventResult Result,
    [property: Id(1)] ValidationErrors? Errors = null);
