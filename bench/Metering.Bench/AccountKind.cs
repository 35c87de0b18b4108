namespace Metering.Bench;

/// <summary>The three account kinds of API.md's reservation lifecycle, named as in their routes.</summary>
internal enum AccountKind
{
    Pools,
    Installs,
    Ports,
}
