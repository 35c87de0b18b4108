using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to a successful install release: state <c>released</c>, or <c>expired</c> when the hold had already expired.</summary>
[GenerateSerializer, Immutable, Alias("Metering.InstallReleaseReceipt")]
public sealed record InstallReleaseReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] Backend Backend,
    [property: Id(3)] long Credits,
    [property: Id(4)] long? Remaining,
    [property: Id(5)] long? GeminiRemaining);
