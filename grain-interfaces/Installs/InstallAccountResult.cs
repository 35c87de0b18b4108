using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary><see cref="Outcome.Ok"/> with the account, or an error outcome.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallAccountResult")]
public sealed record InstallAccountResult(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] InstallAccountView? Account = null,
    [property: Id(2)] ValidationErrors? Errors = null);
