namespace Metering.Bench;

/// <summary>
/// CPU time of every process of the http scenario, from Linux's /proc: this process (the HTTP
/// load generator), its ended children (a pgbench run, once waited for), the silo, client-api,
/// PostgreSQL (see <see cref="CpuMeter"/>: the postmaster, its live backends, and the backends
/// that ended, which the postmaster has reaped) and the whole machine. Both paths keep their
/// connections open for a whole phase, so no backend ends inside one; those that end at its
/// close are counted once the postmaster reaps them, a moment later, before the next sample. A
/// backend that ends between the directory listing and the reading of its stat within one sample
/// is missed by that sample: a few milliseconds at most. Where /proc cannot tell, a figure is
/// null, never wrong.
/// </summary>
internal sealed class ClusterCpuMeter(CpuMeter postgres, int siloPid, int apiPid)
{
    public ClusterCpuSample Sample() => new(
        postgres.Sample(), CpuMeter.ProcessCpu(siloPid), CpuMeter.ProcessCpu(apiPid), CpuMeter.ReapedChildrenCpu());
}

/// <summary>CPU counters of every process at one moment; the difference of two is a <see cref="ClusterCpuUse"/>.</summary>
internal sealed record ClusterCpuSample(CpuSample Common, TimeSpan? Silo, TimeSpan? Api, TimeSpan? Children)
{
    public ClusterCpuUse Until(ClusterCpuSample later) =>
        new(Common.Until(later.Common), later.Silo - Silo, later.Api - Api, later.Children - Children);
}

/// <summary>CPU time used during a phase by each process of the http scenario.</summary>
/// <param name="Common">This process (the HTTP load generator), PostgreSQL and the machine.</param>
/// <param name="Children">This process's children that ended during the phase: pgbench, on the plain SQL path.</param>
internal sealed record ClusterCpuUse(CpuUse Common, TimeSpan? Silo, TimeSpan? Api, TimeSpan? Children)
{
    /// <summary>Everything else on the machine meanwhile (another engineer's build, say), in cores on average.</summary>
    public double? OtherCores =>
        Common.MachineBusy is { } busy && Common.Postgres is { } pg && Silo is { } silo && Api is { } api && Children is { } children
            && Common.Wall > TimeSpan.Zero
            ? Math.Max(0, (busy - Common.Process - pg - silo - api - children) / Common.Wall)
            : null;

    public ClusterCpuUse Plus(ClusterCpuUse other) =>
        new(Common.Plus(other.Common), Silo + other.Silo, Api + other.Api, Children + other.Children);
}
