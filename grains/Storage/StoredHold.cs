using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Storage;

/// <summary>A <c>ledger_hold</c> row with its detail still as JSON.</summary>
internal sealed record StoredHold(
    string RequestId,
    ReservationState State,
    long Amount,
    string Tag,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string DetailJson,
    DateTimeOffset? ClosedAt,
    long? CommittedAmount,
    bool Late);
