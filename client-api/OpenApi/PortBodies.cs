using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Metering.GrainInterfaces.Ports;

namespace Metering.ClientApi.OpenApi;

// What the OpenAPI document says of the port routes' bodies (docs/api.md "Ports"); they describe,
// the routes read field by field (see InstallBodies.cs).

/// <summary>Body of <c>PUT /v1/ports/{portId}/budget</c>: partial, merged into the budget.</summary>
internal sealed class PortBudgetBody
{
    public bool? Enabled { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? SoftCapTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? HardCapTokens { get; init; }

    public BudgetPeriod? Period { get; init; }
}

/// <summary>Body of <c>POST /v1/ports/{portId}/reservations</c>.</summary>
internal sealed class PortReserveBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string RequestId { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long EstimatedTokens { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Feature { get; init; }

    [Range(Bounds.MinTtl, Bounds.MaxTtl), DefaultValue(300)]
    public int? TtlSeconds { get; init; }
}

/// <summary>Body of <c>POST /v1/ports/{portId}/reservations/{requestId}/commit</c>; <c>inputTokens + outputTokens</c> at most 10^15.</summary>
internal sealed class PortCommitBody
{
    [Range(0, Bounds.MaxAmount)]
    public required long InputTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long OutputTokens { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Provider { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Model { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public string? Feature { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public string? UserId { get; init; }
}

/// <summary>Body of <c>POST /v1/ports/{portId}/usage</c>: usage without a reservation.</summary>
internal sealed class PortUsageBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string RequestId { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long InputTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long OutputTokens { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Provider { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Model { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Feature { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public string? UserId { get; init; }
}
