using System.Data.Common;
using System.Diagnostics;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;
using Metering.Grains.Time;

namespace Metering.Grains.Admin;

/// <summary>
/// Gathers the cluster's overview (<see cref="IClusterOverviewGrain"/>). Reports are kept in memory
/// only, at most <see cref="Limits.MaxReportingProcesses"/> of each kind and for
/// <see cref="Limits.ActivityFreshSeconds"/>: a new activation starts empty and is told again by
/// every process within seconds. Membership comes from Orleans itself (its table in PostgreSQL, or
/// this silo's view of it while PostgreSQL is unreachable), PostgreSQL's reachability
/// from a probe made when asked, the nearest limits from the silos' reports (each silo's
/// <see cref="NearLimitBoard"/>; the newest reading of an account wins when it moved between silos).
/// </summary>
[GrainType("cluster-overview")]
internal sealed class ClusterOverviewGrain(LedgerStore store, TimeProvider time, LedgerClock ledgerClock, IClusterMembershipService membership)
    : Grain, IClusterOverviewGrain
{
    /// <summary>How long the PostgreSQL probe may take before it counts as unreachable.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Dead silos stay listed this long after their last heartbeat, so a crash is seen, then forgotten.</summary>
    private static readonly TimeSpan DeadShownFor = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, SiloActivity> _silos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrontEndBeat> _frontEnds = new(StringComparer.Ordinal);

    public Task Report(SiloActivity activity)
    {
        Remember(_silos, activity.Silo, activity, a => a.At);
        return Task.CompletedTask;
    }

    public Task FrontEndAlive(FrontEndBeat beat)
    {
        Remember(_frontEnds, beat.Name, beat, b => b.At);
        return Task.CompletedTask;
    }

    public async Task<ClusterOverview> Get()
    {
        var now = time.GetUtcNow();
        Forget(_silos, a => a.At, now);
        Forget(_frontEnds, b => b.At, now);

        var (reachable, millis) = await ProbeAsync();
        var silos = (reachable ? await FromMembershipTableAsync(now) : null) ?? FromThisSilosView();
        var nearest = NearLimitBoard.Merge(_silos.Values.SelectMany(a => a.NearLimits ?? []), ledgerClock.Time.GetUtcNow(), Limits.NearestLimitsShown);
        var operations = _silos.Values.SelectMany(a => a.Operations)
            .GroupBy(o => (o.Kind, o.Operation, o.Outcome))
            .Select(g => new OperationCount(g.Key.Kind, g.Key.Operation, g.Key.Outcome, g.Sum(o => o.Count)))
            .OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Operation, StringComparer.Ordinal).ThenBy(o => o.Outcome, StringComparer.Ordinal)
            .ToList();
        var flush = _silos.Values.Aggregate(FlushSummary.None, (sum, a) => sum.Plus(a.Flush));
        var frontEnds = _frontEnds.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        return new ClusterOverview(now, silos, frontEnds, reachable, millis, Limits.ActivityWindowSeconds, operations, flush, nearest);
    }

    /// <summary>The silos as the membership table lists them (names, start times, dead ones for a while); null when it cannot be read.</summary>
    private async Task<List<SiloState>?> FromMembershipTableAsync(DateTimeOffset now)
    {
        MembershipEntry[] hosts;
        try
        {
            hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(ProbeTimeout);
        }
        catch (Exception error) when (error is DbException or TimeoutException or OrleansException or InvalidOperationException)
        {
            return null;
        }

        return hosts
            .Where(h => h.Status != SiloStatus.Dead || now - new DateTimeOffset(h.IAmAliveTime, TimeSpan.Zero) < DeadShownFor)
            .OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Take(Limits.MaxReportingProcesses)
            .Select(h => new SiloState(
                h.SiloAddress.ToString(), h.SiloName ?? "", h.Status.ToString(), new DateTimeOffset(h.StartTime, TimeSpan.Zero), ReportedAt(h.SiloAddress)))
            .ToList();
    }

    /// <summary>
    /// The silos as this silo's membership view has them, from memory: what the overview can say
    /// while PostgreSQL (which holds the membership table) is unreachable. No start times.
    /// </summary>
    private List<SiloState> FromThisSilosView() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status != SiloStatus.Dead)
            .OrderBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
            .Take(Limits.MaxReportingProcesses)
            .Select(m => new SiloState(m.SiloAddress.ToString(), m.Name ?? "", m.Status.ToString(), null, ReportedAt(m.SiloAddress)))];

    private DateTimeOffset? ReportedAt(SiloAddress silo) => _silos.TryGetValue(silo.ToString(), out var seen) ? seen.At : null;

    private static void Remember<T>(Dictionary<string, T> reports, string name, T report, Func<T, DateTimeOffset> at)
    {
        if (!reports.ContainsKey(name) && reports.Count >= Limits.MaxReportingProcesses)
        {
            // Full: make room by dropping the stalest, so a live process is never shut out by dead ones.
            reports.Remove(reports.MinBy(r => at(r.Value)).Key);
        }

        reports[name] = report;
    }

    private void Forget<T>(Dictionary<string, T> reports, Func<T, DateTimeOffset> at, DateTimeOffset now)
    {
        foreach (var stale in reports.Where(r => now - at(r.Value) > TimeSpan.FromSeconds(Limits.ActivityFreshSeconds)).Select(r => r.Key).ToList())
        {
            reports.Remove(stale);
        }
    }

    private async Task<(bool Reachable, double? Millis)> ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        var watch = Stopwatch.StartNew();
        try
        {
            await using var cmd = store.DataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return (true, Math.Round(watch.Elapsed.TotalMilliseconds, 2));
        }
        catch (Exception error) when (error is DbException or TimeoutException or OperationCanceledException)
        {
            return (false, null);
        }
    }
}
