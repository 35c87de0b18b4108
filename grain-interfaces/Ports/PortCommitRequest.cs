using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>Finalizes a port reservation with the tokens the call used.</summary>
/// <param name="Feature">Null keeps the reservation's feature.</param>
/// <param name="UserId">Who the call served, optional.</param>
[GenerateSerializer, Immutable, Alias("Metering.PortCommitRequest")]
public sealed record PortCommitRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] long InputTokens,
    [property: Id(2)] long OutputTokens,
    [property: Id(3)] string Provider,
    [property: Id(4)] string Model,
    [property: Id(5)] string? Feature = null,
    [property: Id(6)] string? UserId = null)
{
    /// <summary>Checks ranges and labels; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        PortUsageRequest.CheckCall(errors, InputTokens, OutputTokens, Provider, Model, Feature, featureRequired: false, UserId);
        return errors.OrNull();
    }
}
