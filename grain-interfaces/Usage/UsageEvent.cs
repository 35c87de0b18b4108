using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Usage;

/// <summary>
/// One priced usage event from a gateway. Stored once per (tenantId, gatewayRequestId); the
/// same key again is a duplicate, whatever its body.
/// </summary>
/// <param name="OccurredAt">When the call happened (UTC); decides the invoice day.</param>
/// <param name="CustomerCharge">What the customer is charged, in US dollars, exact (at most 10 fractional digits).</param>
[GenerateSerializer, Immutable, Alias("Metering.UsageEvent")]
public sealed record UsageEvent(
    [property: Id(0)] string GatewayRequestId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string DeploymentId,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] long InputTokens,
    [property: Id(5)] long OutputTokens,
    [property: Id(6)] decimal CustomerCharge)
{
    /// <summary>Checks identifiers, ranges and the charge's precision; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("gatewayRequestId", GatewayRequestId);
        errors.RequireIdentifier("tenantId", TenantId);
        errors.RequireIdentifier("deploymentId", DeploymentId);
        errors.RequireAmount("inputTokens", InputTokens);
        errors.RequireAmount("outputTokens", OutputTokens);
        if (CustomerCharge.Scale > Limits.MaxChargeFractionDigits || Math.Abs(decimal.Truncate(CustomerCharge)) >= 1_000_000_000m)
        {
            errors.Add("customerCharge", $"must have at most {Limits.MaxChargeIntegerDigits} integer and {Limits.MaxChargeFractionDigits} fractional digits");
        }

        if (OccurredAt.UtcDateTime.Year is < 1970 or > 9998)
        {
            errors.Add("occurredAt", "must be a time from 1970 on");
        }

        return errors.OrNull();
    }
}
