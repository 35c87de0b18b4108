namespace Metering.Grains.Engine;

/// <summary>The account kinds, as stored in the <c>kind</c> column of every ledger table.</summary>
internal static class AccountKinds
{
    public const string Install = "install";
    public const string Pool = "pool";
    public const string Port = "port";
}
