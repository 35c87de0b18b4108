using System.Security.Claims;

namespace Metering.ClientApi.Auth;

/// <summary>
/// Who a request is: the configured key it presented. Carries the <see cref="ApiKey"/> itself
/// (scopes, prefix, rate) so that authorization and the identifier checks read it without
/// parsing claims back; the claims (name, scopes) are there for the framework and for logs.
/// Never holds the key's text.
/// </summary>
internal sealed class ApiKeyIdentity : ClaimsIdentity
{
    public const string ScopeClaim = "scope";

    public ApiKeyIdentity(ApiKey key)
        : base(ClaimsOf(key), ApiKeyAuthenticationHandler.SchemeName, ClaimTypes.Name, ScopeClaim) => Key = key;

    public ApiKey Key { get; }

    /// <summary>The authenticated key of <paramref name="user"/>, or null when the request presented none that matched.</summary>
    public static ApiKey? Of(ClaimsPrincipal user) => user.Identity is ApiKeyIdentity identity ? identity.Key : null;

    private static IEnumerable<Claim> ClaimsOf(ApiKey key)
    {
        yield return new Claim(ClaimTypes.Name, key.Name);
        foreach (var scope in new[] { Scope.Relay, Scope.Admin })
        {
            if (key.Allows(scope))
            {
                yield return new Claim(ScopeClaim, Scopes.Name(scope));
            }
        }
    }
}
