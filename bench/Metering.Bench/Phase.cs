using Npgsql;

namespace Metering.Bench;

/// <summary>How every measured phase starts and ends, so that phases compare fairly.</summary>
internal static class Phase
{
    /// <summary>
    /// Checkpoints, runs <paramref name="run"/>, and counts the write transactions it caused
    /// (nothing else writes to the benchmark's database meanwhile).
    /// </summary>
    public static async Task<LoadRun> MeasureAsync(NpgsqlDataSource admin, Func<Task<LoadRun>> run, CancellationToken ct)
    {
        await Database.CheckpointAsync(admin, ct);
        long before = await Database.TransactionIdAsync(admin, ct);
        var result = await run();
        long after = await Database.TransactionIdAsync(admin, ct);
        result = result with { Transactions = after - before - 1 };
        Console.WriteLine($"  {result.Label}: {result.Summary()}");
        return result;
    }

    /// <summary>Tenant ids of one phase: distinct per phase, so no phase meets another's keys or rollups.</summary>
    public static string[] Tenants(string phase, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"bench-{phase}-t{i:D2}")];
}
