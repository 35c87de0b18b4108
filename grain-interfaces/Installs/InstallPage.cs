using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>One page of install rows; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallPage")]
public sealed record InstallPage(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] IReadOnlyList<InstallAccountView> Items,
    [property: Id(2)] string? Next);
