using System.Globalization;

namespace Metering.Bench;

/// <summary>
/// Issue #12 item 5's targets for the relay lifecycle over HTTP, checked against the figures of a
/// run. They are reported, met or not met, never enforced: a benchmark informs, it never fails a
/// build.
/// </summary>
internal static class HttpTargets
{
    /// <summary>Many accounts at 64 connections: Metering's requests/s at least this many times plain SQL's.</summary>
    public const double ManyAccountsRatio = 2;

    /// <summary>One hot account at 64 connections: at least this many times plain SQL (group commit against a row lock).</summary>
    public const double HotAccountRatio = 15;

    /// <summary>Many accounts at 64 connections: silo, client-api and PostgreSQL together, CPU ms per 1,000 requests, at most.</summary>
    public const double ManyAccountsCpuMs = 600;

    /// <summary>Many accounts at 8 connections: silo and client-api together, CPU ms per 1,000 requests, at most.</summary>
    public const double ModerateServiceCpuMs = 300;

    /// <summary>Every target that applies to the comparisons run, in the order: per kind, ratios, CPU, latency.</summary>
    public static IReadOnlyList<TargetCheck> Check(HttpFigures figures)
    {
        var checks = new List<TargetCheck>();
        foreach (var kind in figures.Comparisons.Select(c => c.Kind).Distinct())
        {
            var mine = figures.Comparisons.Where(c => c.Kind == kind).ToList();
            var hot = mine.FirstOrDefault(c => c.Hot && c.Connections == HttpBenchmark.ThroughputConnections);
            var many = mine.FirstOrDefault(c => !c.Hot && c.Connections == HttpBenchmark.ThroughputConnections);
            var moderate = mine.FirstOrDefault(c => !c.Hot && c.Connections == HttpBenchmark.ModerateConnections);
            if (many is not null)
            {
                checks.Add(Ratio(kind, many, ManyAccountsRatio));
            }

            if (hot is not null)
            {
                checks.Add(Ratio(kind, hot, HotAccountRatio));
            }

            if (many is not null)
            {
                checks.Add(AtMost(kind, $"{many.Workload}, {many.Connections} connections: CPU of silo + client-api + PostgreSQL per 1,000 requests",
                    many.Metering.ServiceAndDatabasePerThousand, ManyAccountsCpuMs));
            }

            if (moderate is not null)
            {
                checks.Add(AtMost(kind, $"{moderate.Workload}, {moderate.Connections} connections: CPU of silo + client-api per 1,000 requests",
                    moderate.Metering.ServicePerThousand, ModerateServiceCpuMs));
            }

            foreach (var c in new[] { hot, many }.OfType<HttpComparison>())
            {
                bool met = c.Metering.P99Ms <= c.Sql.P99Ms;
                checks.Add(new TargetCheck(kind, $"{c.Workload}, {c.Connections} connections: p99 per request no worse than plain SQL's",
                    $"{c.Metering.P99Ms:N1} ms against {c.Sql.P99Ms:N1} ms", met));
            }
        }

        return checks;
    }

    private static TargetCheck Ratio(AccountKind kind, HttpComparison c, double target) =>
        new(kind, $"{c.Workload}, {c.Connections} connections: Metering ≥ {target:N0}× plain SQL",
            $"{c.Ratio:N2}× ({c.Metering.RequestsPerSecond:N0} against {c.Sql.RequestsPerSecond:N0} requests/s)", c.Ratio >= target);

    private static TargetCheck AtMost(AccountKind kind, string target, double? ms, double limit) =>
        new(kind, $"{target} ≤ {limit:N0} ms",
            ms is { } v ? $"{v.ToString("N0", CultureInfo.InvariantCulture)} ms" : "n/a (/proc could not tell)",
            ms is { } m ? m <= limit : null);
}

/// <summary>One target against one figure.</summary>
/// <param name="Met">Null when the figure could not be measured.</param>
internal sealed record TargetCheck(AccountKind Kind, string Target, string Figure, bool? Met)
{
    public string Verdict => Met switch
    {
        true => "met",
        false => "not met",
        null => "not measured",
    };
}
