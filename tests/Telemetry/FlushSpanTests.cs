using System.Collections.Concurrent;
using System.Diagnostics;
using Metering.Grains.Storage;

namespace Metering.Tests.Telemetry;

            // / <summary>
            // / The flush span of the group commit, without a database: a root even though a caller's span was
            // / current when the writer started, one link per caller up to <see cref="LedgerTracing.MaxLinks"/>
            // / with the rest counted, and an error status when the transaction failed.
            // / </summary>
[Collection(TelemetryCollection.Name)]
public sealed class FlushSpanTests : IDisposable
{
    private const string CallersName = "Metering.Tests.Callers";
    private static readonly ActivitySource Callers = new(CallersName);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public FlushSpanTests()
    {
        _listener = new ActivityListener
        {
            // By name: comparing with Callers here would create it while the listener is being added.
            ShouldListenTo = source => source.Name is LedgerTracing.ActivitySourceName or CallersName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Flush_IsARoot_LinkedToEachCaller_UpToTheBound()
    {
        const int waiting = LedgerTracing.MaxLinks + 72;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = new GroupCommit<int, int>("test", new GroupCommitBounds(1_000, 1_000, 10_000, 1), _ => 1, item => item, async batch =>
        {
            entered.TrySetResult();
            await gate.Task;
            return [.. batch.Items];
        });

                    //  The first caller's span is current when the writer starts; the writer then holds its
                    //  first batch until the others have queued, so they go together in the second.
        Task<int> first;
        using (Callers.StartActivity("first caller"))
        {
            first = commits.SubmitAsync(-1);
        }

        await entered.Task;
        var callers = new List<Activity>();
        var rest = new List<Task<int>>();
        for (int i = 0; i < waiting; i++)
        {
            using var caller = Callers.StartActivity("caller")!;
            callers.Add(caller);
            rest.Add(commits.SubmitAsync(i));
        }

        gate.SetResult();
        await first;
        await Task.WhenAll(rest);

        var flushes = _stopped.Where(a => a.Source.Name == LedgerTracing.ActivitySourceName).ToList();
        Assert.Equal(2, flushes.Count);
        Assert.All(flushes, flush =>
        {
            Assert.Equal("test flush", flush.DisplayName);
            Assert.Equal(default, flush.ParentSpanId);
        });
        var shared = Assert.Single(flushes, f => Equals(f.GetTagItem("metering.flush.items"), waiting));
        Assert.All(shared.Links, l => Assert.NotEqual(default, l.Context));
        Assert.Equal(callers.Take(LedgerTracing.MaxLinks).Select(c => (c.TraceId, c.SpanId)), shared.Links.Select(l => (l.Context.TraceId, l.Context.SpanId)));
        Assert.Equal(waiting - LedgerTracing.MaxLinks, shared.GetTagItem("metering.flush.links_dropped"));
        Assert.Equal(waiting, shared.GetTagItem("metering.flush.weight"));
        Assert.Equal(ActivityStatusCode.Unset, shared.Status);
    }

    [Fact]
    public async Task Flush_ThatFails_IsAnErrorSpan_WithTheException()
    {
        var commits = new GroupCommit<int, int>("test", new GroupCommitBounds(10, 10, 100, 1), _ => 1, item => item,
            _ => Task.FromException<IReadOnlyList<int>>(new InvalidOperationException("the database went away")));

        Task<int> call;
        using (Callers.StartActivity("caller"))
        {
            call = commits.SubmitAsync(1);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        var flush = await StoppedFlushAsync();
        Assert.Equal(ActivityStatusCode.Error, flush.Status);
        Assert.Equal("the database went away", flush.StatusDescription);
        Assert.Contains(flush.Events, e => e.Name == "exception");
        Assert.Single(flush.Links);
    }

                // / <summary>The span ends after the callers hear the outcome: wait for it (bounded).</summary>
    private async Task<Activity> StoppedFlushAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_stopped.FirstOrDefault(a => a.Source.Name == LedgerTracing.ActivitySourceName) is { } flush)
            {
                return flush;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "no flush span ended");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
