namespace Metering.Bench;

/// <summary>The http scenario's results: every comparison, in the order they ran.</summary>
/// <param name="Accounts">Accounts per kind of the many-account workload.</param>
/// <param name="HalfSeconds">Seconds of each half of each path (two halves per path and comparison).</param>
/// <param name="WarmupSeconds">Seconds of each warm-up run.</param>
internal sealed record HttpFigures(IReadOnlyList<HttpComparison> Comparisons, int Accounts, int HalfSeconds, int WarmupSeconds);

/// <summary>One kind, workload and connection count measured on both paths, in the same run on the same PostgreSQL.</summary>
/// <param name="Accounts">Accounts the lifecycles went to: 1 for the hot workload.</param>
internal sealed record HttpComparison(AccountKind Kind, int Accounts, int Connections, LifecyclePath Metering, LifecyclePath Sql)
{
    public bool Hot => Accounts == 1;

    public string Workload => Hot ? "one hot account" : $"{Accounts:N0} accounts";

    /// <summary>Metering's requests/s over plain SQL's.</summary>
    public double Ratio => Sql.RequestsPerSecond > 0 ? Metering.RequestsPerSecond / Sql.RequestsPerSecond : 0;
}
