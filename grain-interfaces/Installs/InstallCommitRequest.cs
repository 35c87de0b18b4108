using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Installs;

/// <summary>Finalizes an install reservation.</summary>
/// <param name="RequestId">The reservation's requestId.</param>
/// <param name="Backend">The backend that actually served; null means the reserved one.</param>
/// <param name="Credits">Credits actually used, 0 to 10^15; null means the reserved amount. May exceed the hold.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallCommitRequest")]
public sealed record InstallCommitRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] Backend? Backend = null,
    [property: Id(2)] long? Credits = null)
{
    /// <summary>Checks ranges and identifiers; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("requestId", RequestId);
        if (Credits is { } credits)
        {
            errors.RequireAmount("credits", credits);
        }

        if (Backend is { } backend && !Enum.IsDefined(backend))
        {
            errors.Add("backend", "must be gemini or hardware");
        }

        return errors.OrNull();
    }
}
