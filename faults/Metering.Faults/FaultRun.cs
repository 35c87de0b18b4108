using System.Diagnostics;
using Metering.Faults.Checks;
using Metering.Faults.Faults;
using Metering.Faults.Load;
using Metering.Faults.Nodes;
using Metering.Faults.Report;

namespace Metering.Faults;

/// <summary>
/// One run of the harness: start the system, load it, inject the planned faults one after
/// another (repeating the plan until the duration ends), stop the load, heal, then check the
/// history and report the figures.
/// </summary>
internal static class FaultRun
{
    public static async Task<RunReport> RunAsync(HarnessOptions options, Action<string> log)
    {
        log($"seed {options.Seed}, {options.Duration.TotalSeconds:F0} s, {options.Workers} workers, faults: " +
            (options.Plan.Count == 0 ? "none" : string.Join(", ", options.Plan.Select(p => string.Join(" + ", p.Select(FaultNames.Of))))));
        if (options.Plan.Any(p => p.Contains(FaultKind.Partition)) && !Partition.IsAvailable)
        {
            throw new InvalidOperationException("the partition fault needs root and nftables: run scripts/faults.sh, which installs it");
        }

        if (options.Plan.Any(p => p.Contains(FaultKind.ClockSkew)) && !FakeClock.IsAvailable)
        {
            throw new InvalidOperationException("the clock-skew fault needs libfaketime: run scripts/faults.sh, which installs it");
        }

        var clock = Stopwatch.StartNew();
        await using var cluster = await HarnessCluster.StartAsync(log);
        var history = new History();
        using var frontEnds = new FrontEnds(cluster.ApiUrls, HarnessCluster.ApiKey, history);
        var shape = new WorkloadShape(Workers: options.Workers);

        double? rate = null;
        if (options.Soak)
        {
            rate = 0.7 * await MeasurePeakAsync(frontEnds, shape, options.Seed, log);
            log($"soak at {rate:F0} operations/s (70% of the measured peak)");
        }

        using var gate = new RateGate(rate is { } r ? r / AverageOpsPerIteration : null);
        var workload = new Workload(frontEnds, shape, options.Seed, gate);
        await workload.PrepareAsync();
        var prober = new Prober(frontEnds);
        using var stop = new CancellationTokenSource();
        var probing = prober.RunAsync(stop.Token);
        var loadStarted = DateTime.UtcNow;
        var load = workload.RunAsync(stop.Token);
        await Task.Delay(options.Warmup);

        var faults = new List<FaultRecord>();
        var injector = new FaultInjector(cluster, options.Short ? FaultTimings.Short : FaultTimings.Default, log);
        var deadline = loadStarted + options.Duration;
        try
        {
            // The whole plan runs once whatever the duration; the long run repeats it while time is left.
            for (int i = 0; options.Plan.Count > 0 && (i < options.Plan.Count || (!options.Short && DateTime.UtcNow < deadline)); i++)
            {
                faults.Add(await injector.InjectAsync(options.Plan[i % options.Plan.Count]));
                await Task.Delay(options.Gap);
            }

            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        }
        finally
        {
            await Partition.HealAsync().ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Cancel();
        }

        await Task.WhenAll(load, probing);
        var loadEnded = DateTime.UtcNow;
        log("load stopped; healing and reading everything back");
        await cluster.RestoreSilosAsync();
        await cluster.WaitApisReadyAsync();

        var ops = history.Snapshot();
        var stored = await StoredState.ReadAsync(cluster.ConnectionString);
        var result = await new Checker(ops, stored, frontEnds, cluster.ConnectionString, options.Seed).RunAsync();
        var outages = faults.Select(f => (f, prober.LongestOutageSeconds(f.StartedAt, f.HealedAt.AddSeconds(10)))).ToList();
        return new RunReport(options, ops, faults, outages, result, loadEnded - loadStarted, rate, clock.Elapsed);
    }

    /// <summary>Operations one worker iteration sends on average (a lifecycle is two or three; events one).</summary>
    private const double AverageOpsPerIteration = 1.9;

    /// <summary>Runs the load without limit and without faults for a while and returns the acknowledged operations per second.</summary>
    private static async Task<double> MeasurePeakAsync(FrontEnds frontEnds, WorkloadShape shape, int seed, Action<string> log)
    {
        var history = new History();
        using var probeEnds = new FrontEnds(frontEnds.Urls, HarnessCluster.ApiKey, history);
        using var gate = new RateGate(null);
        var workload = new Workload(probeEnds, shape with { Workers = shape.Workers * 2 }, seed + 1, gate);
        await workload.PrepareAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var started = DateTime.UtcNow;
        await workload.RunAsync(stop.Token);
        double peak = history.Snapshot().Count(o => o.Outcome == OpOutcome.Ok) / (DateTime.UtcNow - started).TotalSeconds;
        log($"peak: {peak:F0} acknowledged operations/s");
        return peak;
    }
}
