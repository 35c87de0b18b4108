namespace Metering.Faults.Faults;

/// <summary>
/// A partition between silos on loopback: an nftables table dropping every packet sent to the
/// silos' silo-to-silo ports. Clients reach the gateways and every process reaches PostgreSQL
/// on other ports, so only the silos lose each other. Needs root and nftables
/// (scripts/faults.sh installs it); the table is removed on heal and on dispose.
/// </summary>
internal static class Partition
{
    private const string Table = "metering_faults";

    public static bool IsAvailable => File.Exists("/usr/sbin/nft") && Environment.UserName == "root";

    public static async Task CutAsync(IEnumerable<int> siloPorts)
    {
        string ports = string.Join(", ", siloPorts);
        await HealAsync();
        string script = $$"""
            table inet {{Table}} {
                chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport { {{ports}} } drop
                }
            }
            """;
        string file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, script);
        try
        {
            await Nodes.Shell.RunAsync("nft", ["-f", file], TimeSpan.FromSeconds(10));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static Task HealAsync() =>
        Nodes.Shell.RunAsync("nft", ["delete", "table", "inet", Table], TimeSpan.FromSeconds(10), check: false);
}
