namespace Metering.Grains.Storage;

/// <summary>Names of the Orleans grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Small configuration state (tier quotas) in ADO.NET grain storage on PostgreSQL.</summary>
    public const string Config = "config";
}
