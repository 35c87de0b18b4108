using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>A request to hold an estimate of tokens on a port for one call.</summary>
/// <param name="EstimatedTokens">0 to 10^15 tokens.</param>
/// <param name="Feature">The feature the call serves (a label of at most <see cref="Limits.MaxLabelLength"/> characters).</param>
[GenerateSerializer, Immutable, Alias("Metering.PortReserveRequest")]
public sealed record PortReserveRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] long EstimatedTokens,
    [property: Id(2)] string Feature,
    [property: Id(3)] int TtlSeconds = Limits.DefaultTtlSeconds)
{
    /// <summary>Checks ranges and identifiers; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        errors.RequireAmount("estimatedTokens", EstimatedTokens);
        errors.RequireText("feature", Feature, Limits.MaxLabelLength, required: true);
        errors.RequireTtl("ttlSeconds", TtlSeconds);
        return errors.OrNull();
    }
}
