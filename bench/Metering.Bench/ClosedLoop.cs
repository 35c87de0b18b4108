using System.Diagnostics;

namespace Metering.Bench;

/// <summary>
/// Drives a fixed number of callers, each making one call at a time (a closed loop, like relays
/// waiting for their answer), until a fixed number of events is sent or the time limit passes.
/// Prints a progress line every few seconds.
/// </summary>
internal static class ClosedLoop
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the loop. <paramref name="call"/> sends <c>count</c> events for caller <c>caller</c>
    /// and returns how many times it had to retry.
    /// </summary>
    public static Task<LoadRun> RunAsync(
        string label,
        int callers,
        long totalEvents,
        int eventsPerCall,
        TimeSpan limit,
        Func<int, int, CancellationToken, Task<int>> call,
        CancellationToken ct) =>
        RunAsync(label, "events", callers, totalEvents, eventsPerCall, limit, call, ct);

    /// <summary>
    /// Runs the loop, naming what is counted (<paramref name="unit"/>, plural: "reserves") in the
    /// progress lines and the result.
    /// </summary>
    public static async Task<LoadRun> RunAsync(
        string label,
        string unit,
        int callers,
        long totalEvents,
        int eventsPerCall,
        TimeSpan limit,
        Func<int, int, CancellationToken, Task<int>> call,
        CancellationToken ct)
    {
        // A failed call stops the other callers too, instead of letting them send the rest.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long claimed = 0, sent = 0, calls = 0, retries = 0;
        int cutShort = 0;
        var latencies = new List<double>[callers];
        var clock = Stopwatch.StartNew();

        async Task Caller(int caller)
        {
            var mine = latencies[caller] = [];
            while (!failed.IsCancellationRequested)
            {
                long start = Interlocked.Add(ref claimed, eventsPerCall) - eventsPerCall;
                if (start >= totalEvents)
                {
                    return;
                }

                if (clock.Elapsed > limit)
                {
                    Interlocked.Exchange(ref cutShort, 1);
                    return;
                }

                int count = (int)Math.Min(eventsPerCall, totalEvents - start);
                long before = Stopwatch.GetTimestamp();
                int retried;
                try
                {
                    retried = await call(caller, count, failed.Token);
                }
                catch
                {
                    await failed.CancelAsync();
                    throw;
                }

                mine.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
                Interlocked.Add(ref retries, retried);
                Interlocked.Increment(ref calls);
                Interlocked.Add(ref sent, count);
            }
        }

        var all = Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(() => Caller(c), CancellationToken.None)));
        while (await Task.WhenAny(all, Task.Delay(ProgressEvery, failed.Token)) != all && !failed.IsCancellationRequested)
        {
            long now = Interlocked.Read(ref sent);
            Console.WriteLine($"    {label}: {now:N0} / {totalEvents:N0} {unit}, {now / clock.Elapsed.TotalSeconds:N0}/s so far");
        }

        await all;
        var elapsed = clock.Elapsed;
        ct.ThrowIfCancellationRequested();
        return new LoadRun(label, callers, sent, calls, retries, elapsed, cutShort == 1, [.. latencies.SelectMany(l => l)]) { Unit = unit };
    }
}
