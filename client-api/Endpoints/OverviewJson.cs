using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// The answer of <c>GET /v1/admin/overview</c>: the grain's overview with rates per second over
/// its window, and refusals grouped by their API <c>code</c> (mapped here, where outcomes become
/// problems, so the dashboard shows the codes relays see).
/// </summary>
internal sealed record OverviewJson(
    DateTimeOffset At,
    IReadOnlyList<SiloState> Silos,
    IReadOnlyList<FrontEndBeat> FrontEnds,
    OverviewJson.PostgresJson Postgres,
    int WindowSeconds,
    IReadOnlyList<OverviewJson.OperationRate> Operations,
    IReadOnlyList<OverviewJson.RefusalRate> Refusals,
    OverviewJson.FlushJson Flush,
    IReadOnlyList<NearLimit> NearestLimits)
{
    public static OverviewJson From(ClusterOverview overview)
    {
        double window = Math.Max(1, overview.WindowSeconds);
        var operations = overview.Operations
            .Select(o => new OperationRate(o.Kind, o.Operation, Camel(o.Outcome), o.Count, Math.Round(o.Count / window, 3)))
            .ToList();
        var refusals = overview.Operations
            .Select(o => (Code: RefusalCode(o.Outcome), o.Count))
            .Where(r => r.Code is not null)
            .GroupBy(r => r.Code!, StringComparer.Ordinal)
            .Select(g => new RefusalRate(g.Key, g.Sum(r => r.Count), Math.Round(g.Sum(r => r.Count) / window, 3)))
            .OrderByDescending(r => r.Count)
            .ToList();
        var f = overview.Flush;
        var flush = new FlushJson(
            f.Transactions, Math.Round(f.Transactions / window, 3),
            f.Transactions == 0 ? 0 : Math.Round((double)f.Operations / f.Transactions, 2), f.MaxBatch,
            f.Transactions == 0 ? 0 : Math.Round(f.TotalSeconds * 1000 / f.Transactions, 3), Math.Round(f.MaxSeconds * 1000, 3));
        return new OverviewJson(
            overview.At, overview.Silos, overview.FrontEnds, new PostgresJson(overview.PostgresReachable, overview.PostgresMillis),
            overview.WindowSeconds, operations, refusals, flush, overview.NearestLimits);
    }

    /// <summary>The problem code of a refusal (402 or 429: the caller was told no); null for successes and faults.</summary>
    private static string? RefusalCode(string outcome) =>
        Enum.TryParse<Outcome>(outcome, out var parsed) && !OutcomeProblems.IsSuccess(parsed)
        && OutcomeProblems.For(parsed) is { Status: 402 or 429 } problem
            ? problem.Code
            : null;

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>PostgreSQL as the overview's probe found it; <c>millis</c> null when unreachable.</summary>
    internal sealed record PostgresJson(bool Reachable, double? Millis);

    /// <summary>Operations of one kind, operation and outcome over the window, and per second.</summary>
    internal sealed record OperationRate(string Kind, string Operation, string Outcome, long Count, double PerSecond);

    /// <summary>Refusals with one problem code over the window, and per second.</summary>
    internal sealed record RefusalRate(string Code, long Count, double PerSecond);

    /// <summary>The shared flush over the window: transactions, mean and largest batch (operations), mean and longest time (ms).</summary>
    internal sealed record FlushJson(long Transactions, double PerSecond, double MeanBatch, long MaxBatch, double MeanMillis, double MaxMillis);
}
