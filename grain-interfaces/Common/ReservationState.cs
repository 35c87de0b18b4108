namespace Metering.GrainInterfaces.Common;

/// <summary>The state of a reservation (a hold) as a reader sees it.</summary>
[GenerateSerializer, Alias("Metering.ReservationState")]
public enum ReservationState
{
    /// <summary>Open: its amount counts against the account's limit until <c>expiresAt</c>.</summary>
    Reserved = 0,

    /// <summary>Finalized with the actual amount.</summary>
    Committed = 1,

    /// <summary>Released by the caller: nothing was consumed.</summary>
    Released = 2,

    /// <summary>Not committed nor released before <c>expiresAt</c>: it no longer counts.</summary>
    Expired = 3,
}
