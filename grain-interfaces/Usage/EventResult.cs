namespace Metering.GrainInterfaces.Usage;

/// <summary>What happened to one event.</summary>
[GenerateSerializer, Alias("Metering.EventResult")]
public enum EventResult
{
    /// <summary>Stored now (HTTP 201 / <c>"recorded"</c>).</summary>
    Recorded = 0,

    /// <summary>Its key was stored before; nothing changed (HTTP 200 / <c>"duplicate"</c>).</summary>
    Duplicate = 1,

    /// <summary>Refused for its content; see the errors (HTTP 400 problem).</summary>
    Invalid = 2,
}
