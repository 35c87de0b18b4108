using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to an install release: <see cref="Outcome.Ok"/> or <see cref="Outcome.Replayed"/> with a receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallReleaseResult")]
public sealed record InstallReleaseResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] InstallReleaseReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
