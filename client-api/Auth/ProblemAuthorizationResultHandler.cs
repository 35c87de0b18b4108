using Metering.ClientApi.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Metering.ClientApi.Auth;

/// <summary>
/// Answers a refused authorization as the problem API.md names: 401 <c>unauthorized</c> with no
/// or an unknown key, 403 <c>forbidden</c> naming the scope the key lacks. Everything else is the
/// framework's default handling.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            return ApiProblems.Unauthorized().ExecuteAsync(context);
        }

        if (result.Forbidden)
        {
            var lacking = result.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
            string detail = lacking is null ? "this key may not call this route" : $"this key lacks the {Scopes.Name(lacking.Scope)} scope";
            return ApiProblems.Forbidden(detail).ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, result);
    }
}
