using Metering.Faults.Nodes;

// CS8524: the switches name every FaultKind and have no default arm, so a new kind breaks the
// build until it is handled; an unnamed value (a cast) throws SwitchExpressionException.
#pragma warning disable CS8524

namespace Metering.Faults.Faults;

/// <summary>
/// Injects faults into the running cluster and heals them: each returns once the cluster is back
/// to two silos and two front ends serving. Several kinds at once make a mixed fault.
/// </summary>
internal sealed class FaultInjector(HarnessCluster cluster, FaultTimings timings, Action<string> log)
{
    public async Task<FaultRecord> InjectAsync(IReadOnlyList<FaultKind> kinds)
    {
        var started = DateTime.UtcNow;
        log($"fault: {string.Join(" + ", kinds.Select(FaultNames.Of))}");
        var notes = await Task.WhenAll(kinds.Select(InjectOneAsync));
        await cluster.RestoreSilosAsync();
        await cluster.WaitApisReadyAsync();
        var healed = DateTime.UtcNow;
        log($"healed after {(healed - started).TotalSeconds:F1} s: {string.Join("; ", notes)}");
        return new FaultRecord(kinds, started, healed, string.Join("; ", notes));
    }

    private Task<string> InjectOneAsync(FaultKind kind) => kind switch
    {
        FaultKind.KillSilo => KillSiloAsync(),
        FaultKind.PauseSilo => PauseSiloAsync(),
        FaultKind.RestartPostgres => RestartPostgresAsync(),
        FaultKind.TerminateBackends => TerminateBackendsAsync(),
        FaultKind.Partition => PartitionAsync(),
        FaultKind.KillFrontEnd => KillFrontEndAsync(),
        FaultKind.ClockSkew => ClockSkewAsync(),
    };

    private async Task<string> KillSiloAsync()
    {
        var victim = cluster.LiveSilos.First(s => !s.IsPaused);
        await victim.KillAsync();
        await Task.Delay(timings.Down);
        await cluster.StartSiloAsync();
        return $"{victim.Name} killed, replaced";
    }

    private async Task<string> PauseSiloAsync()
    {
        var victim = cluster.LiveSilos.Last(s => !s.IsPaused);
        var pausedAt = DateTime.UtcNow;
        await victim.PauseAsync();
        // Frozen until the others declare it dead (past failure detection), at most the pause bound.
        var declared = await cluster.WaitDeclaredDeadAsync([victim], timings.Pause);
        double frozen = (DateTime.UtcNow - pausedAt).TotalSeconds;
        await victim.ResumeAsync();
        // On resume it must find out it is dead and stop itself; meanwhile its late writes are fenced.
        bool stopped = await victim.WaitExitAsync(timings.SelfStop);
        string detection = declared is null ? $"not declared dead within {frozen:F0} s" : $"declared dead after {frozen:F0} s";
        return $"{victim.Name} frozen, {detection}, " + (stopped ? "stopped itself on resume" : "still running on resume");
    }

    private async Task<string> RestartPostgresAsync()
    {
        await cluster.Postgres.StopImmediatelyAsync();
        await Task.Delay(timings.Down);
        await cluster.Postgres.StartAgainAsync();
        return $"PostgreSQL down {timings.Down.TotalSeconds:F0} s (immediate stop)";
    }

    private async Task<string> TerminateBackendsAsync()
    {
        int terminated = 0;
        var until = DateTime.UtcNow + timings.Loop;
        while (DateTime.UtcNow < until)
        {
            terminated += await cluster.Postgres.TerminateBackendsAsync(cluster.DatabaseName);
            await Task.Delay(timings.TerminateEvery);
        }

        return $"{terminated} backends terminated over {timings.Loop.TotalSeconds:F0} s";
    }

    private async Task<string> PartitionAsync()
    {
        if (!Partition.IsAvailable)
        {
            throw new InvalidOperationException("the partition fault needs root and nftables (apt-get install nftables)");
        }

        var silos = cluster.LiveSilos.Where(s => !s.IsPaused).ToList();
        var cutAt = DateTime.UtcNow;
        AppNode? declared;
        await Partition.CutAsync(silos.Select(s => s.SiloPort));
        try
        {
            // Cut until one side declares the other dead, at most the partition bound.
            declared = await cluster.WaitDeclaredDeadAsync(silos, timings.Partition);
        }
        finally
        {
            await Partition.HealAsync();
        }

        double cut = (DateTime.UtcNow - cutAt).TotalSeconds;
        // The side declared dead learns it once the network is back and stops itself.
        bool stopped = declared is not null && await declared.WaitExitAsync(timings.SelfStop);
        return declared is null
            ? $"silos partitioned {cut:F0} s, neither declared dead"
            : $"silos partitioned {cut:F0} s until {declared.Name} was declared dead; it {(stopped ? "stopped itself" : "kept running")} once healed";
    }

    private async Task<string> KillFrontEndAsync()
    {
        await cluster.Api(1).KillAsync();
        await Task.Delay(timings.Down);
        await cluster.StartApiAsync(1);
        return "front end 1 killed mid-load, restarted";
    }

    private async Task<string> ClockSkewAsync()
    {
        var skewed = await cluster.StartSiloAsync(-timings.ClockSkewSeconds);
        // Hand grains to the skewed silo: the oldest normal one leaves (SIGKILL, as a crash). The
        // skewed silo stays one of the two: later faults run with one clock behind the other.
        var leaving = cluster.LiveSilos.First(s => s != skewed && !s.IsPaused && !s.IsClockSkewed);
        await leaving.KillAsync();
        await Task.Delay(timings.Skew);
        return $"{skewed.Name} joined {timings.ClockSkewSeconds} s behind, {leaving.Name} left; it stays in the cluster";
    }
}
