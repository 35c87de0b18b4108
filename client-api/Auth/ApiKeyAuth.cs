using System.Globalization;
using System.Threading.RateLimiting;
using Metering.ClientApi.Problems;
using Microsoft.AspNetCore.Authorization;

namespace Metering.ClientApi.Auth;

/// <summary>
/// Authentication, authorization and rate limiting the framework's way: the API-key scheme, one
/// policy per scope (routes say <c>RequireAuthorization(Scopes.Relay)</c>), problems for 401 and
/// 403, and a token bucket per key that has a configured rate (429 with <c>Retry-After</c>).
/// </summary>
internal static class ApiKeyAuth
{
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services, ApiKeyRing ring)
    {
        services.AddSingleton(ring);
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.Relay, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(Scope.Relay)))
            .AddPolicy(Scopes.Admin, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(Scope.Admin)));

        services.AddRateLimiter(limiter =>
        {
            // One bucket per key that has a rate; every other request passes untouched. The key
            // is known because the limiter runs after authentication.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                ApiKeyIdentity.Of(http.User) is { Rate: { } rate } key
                    ? RateLimitPartition.GetTokenBucketLimiter(key.Name, _ => rate.ToOptions())
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = (rejected, _) =>
            {
                TimeSpan? retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
                if (retryAfter is { } after)
                {
                    rejected.HttpContext.Response.Headers.RetryAfter =
                        Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return new ValueTask(ApiProblems.RateLimited(retryAfter).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }

    /// <summary>Authentication, the rate limit, then authorization: a key over its rate is refused before anything else is checked.</summary>
    public static IApplicationBuilder UseApiKeyAuth(this IApplicationBuilder app) =>
        app.UseAuthentication().UseRateLimiter().UseAuthorization();
}
