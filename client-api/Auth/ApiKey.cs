namespace Metering.ClientApi.Auth;

/// <summary>A configured key: its name (for logs and audit; never the key), the SHA-256 of its
/// text, its scopes, the identifier prefix it is limited to and its request rate, if any.</summary>
internal sealed record ApiKey(string Name, byte[] Sha256, Scope Scopes, string? IdPrefix, KeyRate? Rate = null)
{
    /// <summary>Admin implies relay: admin is "everything".</summary>
    public bool Allows(Scope scope) => (Scopes & Scope.Admin) != 0 || (Scopes & scope) == scope;

    public bool Reaches(string identifier) => IdPrefix is null || identifier.StartsWith(IdPrefix, StringComparison.Ordinal);
}
