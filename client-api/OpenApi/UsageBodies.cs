using System.ComponentModel.DataAnnotations;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.OpenApi;

// What the OpenAPI document says of the usage-event bodies (docs/api.md "Usage events and
// invoices"); they describe, the routes read field by field (see InstallBodies.cs).

/// <summary>Body of <c>POST /v1/usage-events</c>, and each item of a batch.</summary>
internal sealed class UsageEventBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string GatewayRequestId { get; init; }

    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string TenantId { get; init; }

    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string DeploymentId { get; init; }

    /// <summary>An ISO-8601 time with a date and a time, such as <c>2026-11-23T17:06:28Z</c>.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long InputTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long OutputTokens { get; init; }

    /// <summary>US dollars as a decimal string, such as <c>"0.0125"</c>; never rounded.</summary>
    [RegularExpression(Bounds.ChargePattern)]
    public required string CustomerCharge { get; init; }
}

/// <summary>Body of <c>POST /v1/usage-events/batch</c>: 1 to 1,000 events.</summary>
internal sealed class UsageEventBatchBody
{
    [MinLength(1), MaxLength(Limits.MaxEventsPerBatch)]
    public required IReadOnlyList<UsageEventBody> Events { get; init; }
}
