using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.OpenApi;

/// <summary>The documented bounds of request members (docs/api.md "Limits"), as the OpenAPI document states them.</summary>
internal static class Bounds
{
    /// <summary>API.md's identifier: <see cref="Identifier.Rule"/>.</summary>
    public const string IdentifierPattern = "^[A-Za-z0-9._:@-]+$";

    /// <summary>Free text such as a model or a feature: no control characters.</summary>
    public const string LabelPattern = "^[^\\x00-\\x1F\\x7F]+$";

    /// <summary>A note: no control characters other than line breaks and tabs.</summary>
    public const string NotePattern = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]+$";

    /// <summary>US dollars as a decimal string (API.md "Usage events").</summary>
    public const string ChargePattern = "^-?[0-9]{1,9}(\\.[0-9]{1,10})?$";

    /// <summary><see cref="Limits.MaxAmount"/> as the double an OpenAPI range takes.</summary>
    public const double MaxAmount = Limits.MaxAmount;

    public const int MaxIdentifier = Limits.MaxIdentifierLength;

    public const int MaxLabel = Limits.MaxLabelLength;

    public const int MaxNote = Limits.MaxNoteLength;

    public const int MinTtl = Limits.MinTtlSeconds;

    public const int MaxTtl = Limits.MaxTtlSeconds;
}
