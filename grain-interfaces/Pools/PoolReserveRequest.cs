using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>A request to hold micro-USD on a pool for one premium call.</summary>
/// <param name="ReserveMicros">0 to 10^15 micro-USD.</param>
/// <param name="UsageType">What kind of call (a label of at most <see cref="Limits.MaxLabelLength"/> characters).</param>
/// <param name="TtlSeconds">How long the hold lasts, 1 to 86400 seconds.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolReserveRequest")]
public sealed record PoolReserveRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] long ReserveMicros,
    [property: Id(2)] string UsageType,
    [property: Id(3)] int TtlSeconds = Limits.DefaultTtlSeconds)
{
    /// <summary>Checks ranges and identifiers; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        errors.RequireAmount("reserveMicros", ReserveMicros);
        errors.RequireText("usageType", UsageType, Limits.MaxLabelLength, required: true);
        errors.RequireTtl("ttlSeconds", TtlSeconds);
        return errors.OrNull();
    }
}
