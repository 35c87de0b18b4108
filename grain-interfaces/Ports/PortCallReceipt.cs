using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>
/// The answer to a commit (state <c>committed</c>) or a usage record (state null): the call as
/// recorded and the budget right after it.
/// </summary>
/// <param name="Tokens">Input plus output tokens, as counted against the budget.</param>
/// <param name="UsedTokens">Committed tokens in the current period, this call included.</param>
/// <param name="Remaining">Tokens left under the hard cap after holds; null when the budget is disabled.</param>
/// <param name="SoftCap">True when usage has reached the soft cap.</param>
/// <param name="Late">True when a commit arrived after its hold expired.</param>
[GenerateSerializer, Immutable, Alias("Metering.PortCallReceipt")]
public sealed record PortCallReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] ReservationState? State,
    [property: Id(2)] string Feature,
    [property: Id(3)] long InputTokens,
    [property: Id(4)] long OutputTokens,
    [property: Id(5)] long Tokens,
    [property: Id(6)] string Provider,
    [property: Id(7)] string Model,
    [property: Id(8)] string? UserId,
    [property: Id(9)] long UsedTokens,
    [property: Id(10)] long? Remaining,
    [property: Id(11)] bool SoftCap,
    [property: Id(12)] bool Late,
    [property: Id(13)] DateTimeOffset At);
