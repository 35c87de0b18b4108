using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>The answer to a release: state <c>released</c>, or <c>expired</c> when the hold had already expired.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortReleaseReceipt")]
public sealed record PortReleaseReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState State,
    [property: Id(2)] long EstimatedTokens,
    [property: Id(3)] long UsedTokens,
    [property: Id(4)] long? Remaining);
