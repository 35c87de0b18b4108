namespace Metering.GrainInterfaces.Installs;

/// <summary>Lists install rows for admins, paged by installId. Stateless; any key works.</summary>
[Alias("Metering.IInstallCatalogGrain")]
public interface IInstallCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Installs with an id greater than <paramref name="after"/> (null: from the start), in
    /// ordinal id order, at most <paramref name="limit"/> (1 to <see cref="Common.Limits.MaxPageSize"/>).
    /// </summary>
    [Alias("List")]
    Task<InstallPage> List(string? after, int limit);
}
