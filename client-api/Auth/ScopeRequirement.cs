using Microsoft.AspNetCore.Authorization;

namespace Metering.ClientApi.Auth;

/// <summary>A route's scope (API.md "Auth"): the authenticated key must allow it; admin allows everything.</summary>
internal sealed record ScopeRequirement(Scope Scope) : IAuthorizationRequirement;

/// <summary>Meets a <see cref="ScopeRequirement"/> when the request's key allows its scope.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (ApiKeyIdentity.Of(context.User) is { } key && key.Allows(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
