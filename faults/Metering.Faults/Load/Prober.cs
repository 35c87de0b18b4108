using System.Collections.Concurrent;

namespace Metering.Faults.Load;

/// <summary>
/// Measures service: every <see cref="Interval"/> it records a usage write on each of a few probe
/// ports (spread over the silos by the grain directory), alternating front ends. A tick is served
/// when every probe answered 2xx; the longest run of unserved ticks around a fault is that
/// fault's time without service.
/// </summary>
internal sealed class Prober(FrontEnds frontEnds)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const int ProbePorts = 4;
    private readonly ConcurrentQueue<(DateTime At, bool Served)> _ticks = new();
    private long _sequence;

    public IReadOnlyList<(DateTime At, bool Served)> Ticks => [.. _ticks];

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        int frontEnd = 0;
        while (!stop.IsCancellationRequested)
        {
            var at = DateTime.UtcNow;
            var probes = Enumerable.Range(0, ProbePorts).Select(async i =>
            {
                string key = $"probe-{Interlocked.Increment(ref _sequence)}";
                var op = await frontEnds.SendAsync("port", $"f-probe-{i}", "usage", key, HttpMethod.Post, $"/v1/ports/f-probe-{i}/usage",
                    $$"""{"requestId":"{{key}}","inputTokens":1,"outputTokens":1,"provider":"p","model":"m","feature":"probe"}""", frontEnd);
                return op.Outcome == OpOutcome.Ok;
            });
            bool served = (await Task.WhenAll(probes)).All(ok => ok);
            _ticks.Enqueue((at, served));
            frontEnd = 1 - frontEnd;
            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The longest stretch without service, in seconds, among ticks from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public double LongestOutageSeconds(DateTime from, DateTime to)
    {
        double longest = 0;
        DateTime? downSince = null;
        foreach (var (at, served) in Ticks.Where(t => t.At >= from && t.At <= to).OrderBy(t => t.At))
        {
            if (!served)
            {
                downSince ??= at;
            }
            else if (downSince is { } since)
            {
                longest = Math.Max(longest, (at - since).TotalSeconds);
                downSince = null;
            }
        }

        if (downSince is { } still)
        {
            longest = Math.Max(longest, (to - still).TotalSeconds);
        }

        return longest;
    }
}
