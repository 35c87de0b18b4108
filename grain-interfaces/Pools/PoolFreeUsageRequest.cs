using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>A free call to record: nothing is debited; an audit record with <c>billed: false</c> is kept.</summary>
/// <param name="CostMicros">What the call would have cost, 0 to 10^15 micro-USD (recorded, not debited).</param>
/// <param name="CallDetails">Free-form JSON, at most <see cref="Limits.MaxCallDetailsBytes"/> bytes.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolFreeUsageRequest")]
public sealed record PoolFreeUsageRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string UsageType,
    [property: Id(2)] long CostMicros,
    [property: Id(3)] long PromptTokens,
    [property: Id(4)] long CompletionTokens,
    [property: Id(5)] string Model,
    [property: Id(6)] string? CallDetails = null)
{
    /// <summary>Checks ranges, identifiers and the JSON of <see cref="CallDetails"/>; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        errors.RequireText("usageType", UsageType, Limits.MaxLabelLength, required: true);
        errors.RequireAmount("costMicros", CostMicros);
        errors.RequireAmount("promptTokens", PromptTokens);
        errors.RequireAmount("completionTokens", CompletionTokens);
        errors.RequireText("model", Model, Limits.MaxLabelLength, required: true);
        errors.RequireCallDetails("callDetails", CallDetails);
        return errors.OrNull();
    }
}
