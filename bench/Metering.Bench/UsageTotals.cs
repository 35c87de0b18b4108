using Metering.GrainInterfaces.Usage;

namespace Metering.Bench;

/// <summary>Exact sums of the events sent, per (tenant, deployment): what an invoice must show.</summary>
internal sealed class UsageTotals
{
    private readonly Dictionary<(string Tenant, string Deployment), Line> _lines = [];

    public void Add(UsageEvent e)
    {
        var line = Get(e.TenantId, e.DeploymentId);
        line.Charge += e.CustomerCharge;
        line.InputTokens += e.InputTokens;
        line.OutputTokens += e.OutputTokens;
        line.Requests++;
    }

    public void Add(UsageTotals other)
    {
        foreach (var (key, theirs) in other._lines)
        {
            var line = Get(key.Tenant, key.Deployment);
            line.Charge += theirs.Charge;
            line.InputTokens += theirs.InputTokens;
            line.OutputTokens += theirs.OutputTokens;
            line.Requests += theirs.Requests;
        }
    }

    /// <summary>
    /// Null when the invoice lines are exactly what was sent (per deployment: the charge sum × 100
    /// rounded half away from zero, tokens and requests; lines of 0 cents left out), otherwise
    /// what differs.
    /// </summary>
    public string? Compare(string tenant, IReadOnlyList<InvoiceLine> lines)
    {
        var expected = _lines
            .Where(l => l.Key.Tenant == tenant)
            .Select(l => (l.Key.Deployment, Cents: (long)Math.Round(l.Value.Charge * 100, MidpointRounding.AwayFromZero), l.Value))
            .Where(l => l.Cents != 0)
            .OrderBy(l => l.Deployment, StringComparer.Ordinal)
            .ToList();
        if (expected.Count != lines.Count)
        {
            return $"{lines.Count} lines, expected {expected.Count}";
        }

        for (int i = 0; i < lines.Count; i++)
        {
            var (deployment, cents, sent) = expected[i];
            var got = lines[i];
            if (got.DeploymentId != deployment || got.AmountCents != cents || got.Meta.Requests != sent.Requests
                || got.Meta.InputTokens != sent.InputTokens || got.Meta.OutputTokens != sent.OutputTokens)
            {
                return $"{got.DeploymentId}: {got.AmountCents} cents, {got.Meta.Requests} requests; " +
                    $"expected {deployment}: {cents} cents, {sent.Requests} requests";
            }
        }

        return null;
    }

    /// <summary>The invoice total that was sent, in cents: the sum of the rounded lines.</summary>
    public long TotalCents(string tenant) => _lines
        .Where(l => l.Key.Tenant == tenant)
        .Sum(l => (long)Math.Round(l.Value.Charge * 100, MidpointRounding.AwayFromZero));

    private Line Get(string tenant, string deployment)
    {
        if (!_lines.TryGetValue((tenant, deployment), out var line))
        {
            line = new Line();
            _lines[(tenant, deployment)] = line;
        }

        return line;
    }

    private sealed class Line
    {
        public decimal Charge { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long Requests { get; set; }
    }
}
