using Metering.GrainInterfaces.Usage;

namespace Metering.Bench;

/// <summary>
/// Deterministic, realistic usage events for one caller: random-looking unique keys (like the
/// UUIDs gateways send, so inserts land all over the key index), one of 10 deployments, a time
/// anywhere in <see cref="BenchMonth"/>, token counts of an ordinary chat call, and a charge of up
/// to $0.05 with 10 fractional digits. Keeps the per-(tenant, deployment) totals of what it made.
/// Not thread-safe: one generator per caller.
/// </summary>
internal sealed class UsageEventGenerator(IReadOnlyList<string> tenants, string keyPrefix, int seed)
{
    private const int MonthSeconds = BenchMonth.Days * 86_400;

    /// <summary>Largest charge in units of 10^-10 dollars: $0.05, fits the low 32 bits of a decimal.</summary>
    private const int MaxChargeUnits = 500_000_000;

    private readonly Random _random = new(seed);
    private readonly byte[] _keyBytes = new byte[8];
    private long _count;

    public UsageTotals Totals { get; } = new();

    /// <summary>One event of a tenant picked at random.</summary>
    public UsageEvent Next() => Next(tenants[_random.Next(tenants.Count)]);

    /// <summary><paramref name="count"/> events of one tenant picked at random, as a gateway's batch would be.</summary>
    public List<UsageEvent> NextBatch(int count)
    {
        string tenant = tenants[_random.Next(tenants.Count)];
        var batch = new List<UsageEvent>(count);
        for (int i = 0; i < count; i++)
        {
            batch.Add(Next(tenant));
        }

        return batch;
    }

    private UsageEvent Next(string tenant)
    {
        _random.NextBytes(_keyBytes);
        // Random head, unique tail: 16 hex digits, the caller's prefix and a counter.
        string key = $"{Convert.ToHexStringLower(_keyBytes)}-{keyPrefix}-{_count++}";
        var e = new UsageEvent(
            key,
            tenant,
            BenchMonth.DeploymentId(_random.Next(BenchMonth.Deployments)),
            BenchMonth.Start.AddSeconds(_random.Next(MonthSeconds)).AddMilliseconds(_random.Next(1000)),
            InputTokens: _random.Next(50, 8_000),
            OutputTokens: _random.Next(10, 2_000),
            CustomerCharge: new decimal(_random.Next(1, MaxChargeUnits), 0, 0, false, 10));
        Totals.Add(e);
        return e;
    }
}
