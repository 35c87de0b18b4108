using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>Finalizes a pool reservation with what the call really cost.</summary>
/// <param name="ActualMicros">The actual cost, 0 to 10^15 micro-USD; may exceed the hold (the call ran).</param>
/// <param name="UsageType">Null keeps the reservation's.</param>
/// <param name="CallDetails">Free-form JSON (an object, array or value), at most <see cref="Limits.MaxCallDetailsBytes"/> bytes.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolCommitRequest")]
public sealed record PoolCommitRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] long ActualMicros,
    [property: Id(2)] long PromptTokens,
    [property: Id(3)] long CompletionTokens,
    [property: Id(4)] string Model,
    [property: Id(5)] string? UsageType = null,
    [property: Id(6)] string? CallDetails = null)
{
    /// <summary>Checks ranges, identifiers and the JSON of <see cref="CallDetails"/>; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        errors.RequireAmount("actualMicros", ActualMicros);
        errors.RequireAmount("promptTokens", PromptTokens);
        errors.RequireAmount("completionTokens", CompletionTokens);
        errors.RequireText("model", Model, Limits.MaxLabelLength, required: true);
        errors.RequireText("usageType", UsageType, Limits.MaxLabelLength, required: false);
        errors.RequireCallDetails("callDetails", CallDetails);
        return errors.OrNull();
    }
}
