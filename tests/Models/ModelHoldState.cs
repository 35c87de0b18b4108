namespace Metering.Tests.Models;

/// <summary>A hold's lifecycle in a model: expiry is read off the clock, never stored.</summary>
internal enum ModelHoldState
{
    Reserved,
    Committed,
    Released,
}
