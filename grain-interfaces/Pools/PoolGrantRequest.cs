using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>A grant that raises a pool's limit by <paramref name="Micros"/>, once per <paramref name="GrantId"/>.</summary>
/// <param name="Micros">0 to 10^15 micro-USD.</param>
/// <param name="Note">Free text, at most <see cref="Limits.MaxNoteLength"/> characters.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolGrantRequest")]
public sealed record PoolGrantRequest(
    [property: Id(0)] string GrantId,
    [property: Id(1)] long Micros,
    [property: Id(2)] string? Note = null)
{
    /// <summary>Checks ranges and identifiers; null when valid.</summary>
    public ValidationErrors? Validate()
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("grantId", GrantId);
        errors.RequireAmount("micros", Micros);
        errors.RequireText("note", Note, Limits.MaxNoteLength, required: false, multiline: true);
        return errors.OrNull();
    }
}
