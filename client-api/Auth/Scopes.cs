namespace Metering.ClientApi.Auth;

/// <summary>The scopes' names: in configuration, in claims, and as the routes' authorization policies.</summary>
internal static class Scopes
{
    /// <summary>Policy of the metering calls and account reads.</summary>
    public const string Relay = "relay";

    /// <summary>Policy of <c>/v1/admin/...</c> and budget changes.</summary>
    public const string Admin = "admin";

    public static string Name(Scope scope) => scope switch
    {
        Scope.Relay => Relay,
        Scope.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "one scope"),
    };
}
