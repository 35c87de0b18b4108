using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>A request to hold credits on an install.</summary>
/// <param name="RequestId">The idempotency key of this call.</param>
/// <param name="Tier">The install's tier; it becomes the install's tier.</param>
/// <param name="HasHardware">Whether the relay can run the call on its own hardware.</param>
/// <param name="Credits">Credits to hold, 0 to 10^15.</param>
/// <param name="TtlSeconds">How long the hold lasts, 1 to 86400 seconds.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallReserveRequest")]
public sealed record InstallReserveRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] Tier Tier,
    [property: Id(2)] bool HasHardware,
    [property: Id(3)] long Credits = 1,
    [property: Id(4)] int TtlSeconds = Limits.DefaultTtlSeconds)
{
    /// <summary>Checks ranges and identifiers; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        errors.RequireAmount("credits", Credits);
        errors.RequireTtl("ttlSeconds", TtlSeconds);
        if (!Enum.IsDefined(Tier))
        {
            errors.Add("tier", "must be core, pro or max");
        }

        return errors.OrNull();
    }
}
