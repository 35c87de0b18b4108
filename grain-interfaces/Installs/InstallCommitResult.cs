using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to an install commit: <see cref="Outcome.Ok"/> or <see cref="Outcome.Replayed"/> with a receipt, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallCommitResult")]
public sealed record InstallCommitResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] InstallCommitReceipt? Receipt = null,
    [property: Id(2)] ValidationErrors? Errors = null);
