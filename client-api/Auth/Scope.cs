namespace Metering.ClientApi.Auth;

/// <summary>What a key may do: <c>relay</c> (metering calls, reading accounts) or <c>admin</c> (everything).</summary>
[Flags]
internal enum Scope
{
    None = 0,
    Relay = 1,
    Admin = 2,
}
