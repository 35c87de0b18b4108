namespace Metering.Bench;

/// <summary>
/// One view of the admin dashboard the scenario times: its name in the report, its address
/// (the hash route after <c>/admin/</c>), and a text it shows only when it rendered the accounts
/// the scenario made (checked after every timed load, untimed), so that a fast page that shows
/// an error or the wrong page is never counted as a fast view.
/// </summary>
internal sealed record DashboardView(string Name, string Hash, string Expected)
{
    /// <summary>
    /// The views timed, with <paramref name="accounts"/> accounts of each kind: the overview
    /// (the first view after signing in), each list's first page, a deep page of the pools (the
    /// cursor half-way through), and one pool's own page (its balance, grants and audit records).
    /// </summary>
    public static IReadOnlyList<DashboardView> All(int accounts)
    {
        int middle = accounts / 2;
        string middlePool = DashboardAccounts.Id(AccountKind.Pools, Math.Max(1, middle));
        return
        [
            // The silo's health card: the overview's answer arrived and was drawn.
            new("Overview", "#/overview", "1 active"),
            new("Installs, first page", "#/installs", DashboardAccounts.Id(AccountKind.Installs, 1)),
            new("Pools, first page", "#/pools", DashboardAccounts.Id(AccountKind.Pools, 1)),
            new("Pools, a deep page", $"#/pools?after={DashboardAccounts.Id(AccountKind.Pools, middle)}", DashboardAccounts.Id(AccountKind.Pools, middle + 1)),
            new("Ports, first page", "#/ports", DashboardAccounts.Id(AccountKind.Ports, 1)),
            // Its committed call, in the audit records.
            new("One pool's page", $"#/pools/{middlePool}", DashboardAccounts.CallRequestId),
        ];
    }
}
