using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Metering.GrainInterfaces.Installs;

namespace Metering.ClientApi.OpenApi;

// What the OpenAPI document says of the install routes' bodies (docs/api.md "Installs"). The
// routes read their bodies field by field (JsonFields: strict types, duplicate and unknown members
// refused), so these types only describe; OpenApiContractTests checks them against docs/api.md.

/// <summary>Body of <c>POST /v1/installs/{installId}/reservations</c>.</summary>
internal sealed class InstallReserveBody
{
    [StringLength(Bounds.MaxIdentifier, MinimumLength = 1), RegularExpression(Bounds.IdentifierPattern)]
    public required string RequestId { get; init; }

    public required Tier Tier { get; init; }

    public required bool HasHardware { get; init; }

    [Range(0, Bounds.MaxAmount), DefaultValue(1L)]
    public long? Credits { get; init; }

    [Range(Bounds.MinTtl, Bounds.MaxTtl), DefaultValue(300)]
    public int? TtlSeconds { get; init; }
}

/// <summary>Body of <c>POST /v1/installs/{installId}/reservations/{requestId}/commit</c>: both default to the reservation's.</summary>
internal sealed class InstallCommitBody
{
    public Backend? Backend { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? Credits { get; init; }
}

/// <summary>Body of <c>PUT /v1/admin/tiers/{tier}</c>: a member left out or null is "no such limit".</summary>
internal sealed class TierQuotaBody
{
    [Range(0, Bounds.MaxAmount)]
    public long? Lifetime { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? Monthly { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? GeminiCapLifetime { get; init; }

    [Range(0, Bounds.MaxAmount)]
    public long? GeminiCapMonthly { get; init; }
}

/// <summary>Body of a release: nothing, or an empty object.</summary>
internal sealed class ReleaseBody;
