using System.Diagnostics.Metrics;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;
using Metering.Grains.Engine;

namespace Metering.Bench;

/// <summary>
/// What account grains cost in memory, on a silo of its own in this process (so the managed heap
/// measured is the silo's, plus this benchmark's small state): the heap per active account with
/// many accounts touched (a reserve and its commit each, so every account remembers some finished
/// work), one busy account's memory against the silo-wide bound on what accounts remember, and
/// the heap after the accounts sat idle past the idle time (deactivated by Orleans' collector).
/// The heap is read after a full, compacting, blocking collection.
/// </summary>
internal sealed class MemoryBenchmark(string connectionString, BenchOptions options)
{
    /// <summary>The silo-wide bound on remembered entries during the run: small enough that the busy phase reaches it.</summary>
    public const long RememberedBound = 100_000;

    private const int BusyCalls = 30_000;

    private long _touched;
    private long _busy;

    public async Task<MemoryFigures> RunAsync(CancellationToken ct)
    {
        var memory = new AccountMemory(
            IdleAfter: TimeSpan.FromSeconds(options.MemoryIdleSeconds),
            RememberFor: TimeSpan.FromMinutes(AccountMemory.DefaultRememberMinutes),
            MaxRememberedPerSilo: RememberedBound,
            ShedOnMemoryPressure: false);
        Console.WriteLine($"==> memory: a silo of its own, accounts idle after {options.MemoryIdleSeconds} s, at most {RememberedBound:N0} remembered entries per silo");
        await using var silo = await BenchSilo.StartAsync(connectionString, ct, memory: memory);
        using var remembered = new RememberedGauge();
        var management = silo.Grains.GetGrain<IManagementGrain>(0);

        long heapBefore = Heap();
        int activationsBefore = await management.GetTotalActivationCount(ct);
        int accounts = options.MemoryAccounts;
        var touch = await ClosedLoop.RunAsync(
            $"touching {accounts:N0} ports (reserve + commit)", "accounts", options.LedgerCallers, accounts, 1, options.PhaseLimit,
            async (caller, _, token) =>
            {
                long i = Interlocked.Increment(ref _touched) - 1;
                await LifecycleAsync(silo.Grains.GetGrain<IPortGrain>($"mem-{i}"), $"r{i}");
                return 0;
            },
            ct);
        long heapTouched = Heap();
        int activationsTouched = await management.GetTotalActivationCount(ct);
        long rememberedTouched = remembered.Read();
        Console.WriteLine($"    {touch.Events:N0} accounts touched: heap {Mib(heapTouched - heapBefore)} more, {activationsTouched - activationsBefore:N0} activations, {rememberedTouched:N0} remembered entries");

        var busy = silo.Grains.GetGrain<IPortGrain>("mem-busy");
        var busyRun = await ClosedLoop.RunAsync(
            $"one busy port, {BusyCalls:N0} reserves + commits", "calls", options.LedgerCallers, BusyCalls, 1, options.PhaseLimit,
            async (caller, _, token) =>
            {
                long i = Interlocked.Increment(ref _busy) - 1;
                await LifecycleAsync(busy, $"busy-{i}");
                return 0;
            },
            ct);
        long heapBusy = Heap();
        long rememberedBusy = remembered.Read();
        Console.WriteLine($"    busy port: {busyRun.Events:N0} lifecycles, heap {Mib(heapBusy - heapTouched)} more, {rememberedBusy:N0} remembered entries in the silo");

        // Idle: nothing calls; Orleans' collector deactivates accounts idle past IdleAfter.
        var idleWait = TimeSpan.FromSeconds(options.MemoryIdleSeconds * 2 + 5);
        Console.WriteLine($"    idle for {idleWait.TotalSeconds:N0} s (accounts deactivate after {options.MemoryIdleSeconds} s idle)");
        await Task.Delay(idleWait, ct);
        long heapIdle = Heap();
        int activationsIdle = await management.GetTotalActivationCount(ct);
        long rememberedIdle = remembered.Read();
        Console.WriteLine($"    after idling: heap {Mib(heapIdle - heapBefore)} over the start, {activationsIdle - activationsBefore:N0} activations, {rememberedIdle:N0} remembered entries");

        return new MemoryFigures(
            touch.Events, touch.Elapsed, options.MemoryIdleSeconds, RememberedBound,
            heapBefore, heapTouched, activationsTouched - activationsBefore, rememberedTouched,
            busyRun.Events, heapBusy, rememberedBusy,
            idleWait, heapIdle, activationsIdle - activationsBefore, rememberedIdle);
    }

    /// <summary>A reserve and its commit, as a relay makes them; ports' default budget is off, so none is refused.</summary>
    private static async Task LifecycleAsync(IPortGrain port, string requestId)
    {
        var reserved = await port.Reserve(new PortReserveRequest(requestId, 100, "chat", 300));
        if (reserved.Outcome != Outcome.Created)
        {
            throw new InvalidOperationException($"memory benchmark: reserve answered {reserved.Outcome}");
        }

        var committed = await port.Commit(new PortCommitRequest(requestId, 60, 30, "provider", "model", null, null));
        if (committed.Outcome != Outcome.Ok)
        {
            throw new InvalidOperationException($"memory benchmark: commit answered {committed.Outcome}");
        }
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";

    /// <summary>Reads the silo's <c>metering.ledger.remembered</c> gauge (the count is internal to the grains).</summary>
    private sealed class RememberedGauge : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _last;

        public RememberedGauge()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Grains.Hosting.MeteringSiloExtensions.LedgerMeterName && instrument.Name == "metering.ledger.remembered")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Exchange(ref _last, value));
            _listener.Start();
        }

        public long Read()
        {
            _listener.RecordObservableInstruments();
            return Interlocked.Read(ref _last);
        }

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>The memory benchmark's readings; heaps in bytes.</summary>
internal sealed record MemoryFigures(
    long Accounts,
    TimeSpan TouchTime,
    int IdleSeconds,
    long RememberedBound,
    long HeapBefore,
    long HeapTouched,
    int ActivationsTouched,
    long RememberedTouched,
    long BusyLifecycles,
    long HeapBusy,
    long RememberedBusy,
    TimeSpan IdleWait,
    long HeapIdle,
    int ActivationsIdle,
    long RememberedIdle)
{
    /// <summary>
    /// Heap per account active when it was read (accounts touched early may already have gone idle
    /// and been deactivated, and their memory with them); the silo's own heap is measured before.
    /// </summary>
    public double BytesPerActiveAccount => ActivationsTouched > 0 ? (double)(HeapTouched - HeapBefore) / ActivationsTouched : 0;
}
