using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>Usage recorded without a reservation, idempotent by <paramref name="RequestId"/>.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortUsageRequest")]
public sealed record PortUsageRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] long InputTokens,
    [property: Id(2)] long OutputTokens,
    [property: Id(3)] string Provider,
    [property: Id(4)] string Model,
    [property: Id(5)] string Feature,
    [property: Id(6)] string? UserId = null)
{
    /// <summary>Checks ranges and labels; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        CheckCall(errors, InputTokens, OutputTokens, Provider, Model, Feature, featureRequired: true, UserId);
        return errors.OrNull();
    }

    /// <summary>The checks a commit and a usage record share.</summary>
    internal static void CheckCall(
        ValidationErrors errors, long input, long output, string provider, string model, string? feature, bool featureRequired, string? userId)
    {
        errors.RequireAmount("inputTokens", input);
        errors.RequireAmount("outputTokens", output);
        if (input <= Limits.MaxAmount && output <= Limits.MaxAmount && input + output > Limits.MaxAmount)
        {
            errors.Add("outputTokens", "inputTokens + outputTokens must be at most 10^15");
        }

        errors.RequireText("provider", provider, Limits.MaxLabelLength, required: true);
        errors.RequireText("model", model, Limits.MaxLabelLength, required: true);
        errors.RequireText("feature", feature, Limits.MaxLabelLength, featureRequired);
        errors.RequireText("userId", userId, Limits.MaxLabelLength, required: false);
    }
}
