using System.Text.Encodings.Web;
using Metering.ClientApi.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Metering.ClientApi.Auth;

/// <summary>
/// ASP.NET Core authentication for API keys (<c>Authorization: Bearer &lt;key&gt;</c>): a key of the
/// <see cref="ApiKeyRing"/> becomes an <see cref="ApiKeyIdentity"/>. No header is "no result" (the
/// route's policy then challenges: 401); an unknown key is a failure (also 401). The framework
/// ships no API-key scheme, hence this small handler.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing ring)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var key = ring.Find(header[Bearer.Length..].Trim());
        if (key is null)
        {
            // The message goes to the framework's debug log; it never holds the presented text.
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        }

        var principal = new System.Security.Claims.ClaimsPrincipal(new ApiKeyIdentity(key));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblems.Unauthorized().ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Forbidden("this key may not call this route").ExecuteAsync(Context);
}
