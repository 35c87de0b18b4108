using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Metering.ClientApi.OpenApi;

// What the OpenAPI document says of the pool routes' bodies (docs/api.md "Pools"); they describe,
// the routes read field by field (see InstallBodies.cs).

/// <summary>Body of <c>PUT /v1/admin/pools/{poolId}</c>.</summary>
internal sealed class PoolLimitBody
{
    [Range(0, Bounds.MaxAmount)]
    public required long LimitMicros { get; init; }
}

/// <summary>Body of <c>POST /v1/admin/pools/{poolId}/grants</c>: raises the limit once per <c>grantId</c>.</summary>
internal sealed class PoolGrantBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string GrantId { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long Micros { get; init; }

    [StringLength(Bounds.MaxNote, MinimumLength = 1), RegularExpression(Bounds.NotePattern)]
    public string? Note { get; init; }
}

/// <summary>Body of <c>POST /v1/pools/{poolId}/reservations</c>.</summary>
internal sealed class PoolReserveBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string RequestId { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long ReserveMicros { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string UsageType { get; init; }

    [Range(Bounds.MinTtl, Bounds.MaxTtl), DefaultValue(300)]
    public int? TtlSeconds { get; init; }
}

/// <summary>Body of <c>POST /v1/pools/{poolId}/reservations/{requestId}/commit</c>.</summary>
internal sealed class PoolCommitBody
{
    [Range(0, Bounds.MaxAmount)]
    public required long ActualMicros { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long PromptTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long CompletionTokens { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Model { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public string? UsageType { get; init; }

    /// <summary>Any JSON value, at most 4 KiB as sent, kept in the audit record.</summary>
    public JsonElement? CallDetails { get; init; }
}

/// <summary>Body of <c>POST /v1/pools/{poolId}/usage</c>: a free call, audited and not debited.</summary>
internal sealed class PoolFreeUsageBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string RequestId { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string UsageType { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long CostMicros { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long PromptTokens { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public required long CompletionTokens { get; init; }

    [StringLength(Bounds.MaxLabel, MinimumLength = 1), RegularExpression(Bounds.LabelPattern)]
    public required string Model { get; init; }

    /// <summary>Any JSON value, at most 4 KiB as sent, kept in the audit record.</summary>
    public JsonElement? CallDetails { get; init; }
}
