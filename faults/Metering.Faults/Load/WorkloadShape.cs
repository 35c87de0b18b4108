namespace Metering.Faults.Load;

/// <summary>
/// The accounts the load spreads over and how it behaves. Amounts are chosen so that committed
/// cost never exceeds what was held: then "consumed never passes the limit" is exactly the
/// no-overspend promise, checkable from the final state.
/// </summary>
internal sealed record WorkloadShape(
    int Installs = 60,
    int Pools = 60,
    int Ports = 40,
    int UsagePorts = 10,
    int Tenants = 8,
    int Workers = 16,
    double DuplicateToBothFrontEnds = 0.1,
    double ReplayAfterAnswer = 0.1)
{
    /// <summary>The core tier's lifetime credits for the run: enough that installs keep working for a while, small enough that some run out.</summary>
    public const long CoreLifetimeCredits = 3_000;

    /// <summary>Each pool's limit, in micro-USD.</summary>
    public const long PoolLimitMicros = 2_000_000;

    /// <summary>Each capped port's hard cap, in tokens (month period).</summary>
    public const long PortHardCapTokens = 400_000;

    /// <summary>Each capped port's soft cap, in tokens.</summary>
    public const long PortSoftCapTokens = 300_000;
}
