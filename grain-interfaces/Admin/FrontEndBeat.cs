namespace Metering.GrainInterfaces.Admin;

/// <summary>A front end (client-api process) alive at <see cref="At"/>.</summary>
/// <param name="Name">Host name and process id: unique per process, stable for its life.</param>
[GenerateSerializer, Immutable, Alias("Metering.FrontEndBeat")]
public sealed record FrontEndBeat(
    [property: Id(0)] string Name,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset At);
