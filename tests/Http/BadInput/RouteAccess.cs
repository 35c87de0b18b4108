namespace Metering.Tests.Http.BadInput;

/// <summary>Which key a route needs and where its account identifier is, so the auth mutations know their answers.</summary>
internal enum RouteAccess
{
    /// <summary>Scope relay, the account identifier in the path.</summary>
    RelayAccount,

    /// <summary>Scope admin, the account identifier in the path (a prefix-limited admin key may use it).</summary>
    AdminAccount,

    /// <summary>Scope admin, no account identifier: every account (a prefix-limited key is refused).</summary>
    AdminGlobal,

    /// <summary>Scope relay, the tenant in the body (usage events): the prefix is checked after the body.</summary>
    RelayTenantInBody,
}
