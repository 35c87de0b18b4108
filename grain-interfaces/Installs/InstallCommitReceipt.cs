using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>The answer to a successful install commit.</summary>
/// <param name="Late">True when the hold had expired before the commit arrived; the cost is recorded all the same.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallCommitReceipt")]
public sealed record InstallCommitReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] Backend Backend,
    [property: Id(3)] long Credits,
    [property: Id(4)] long? Remaining,
    [property: Id(5)] long? GeminiRemaining,
    [property: Id(6)] bool Late);
