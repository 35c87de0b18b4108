using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;

namespace Metering.Grains.Admin;

/// <summary>
/// This silo's recent ledger activity, read in-process from the ledger's own instruments (meter
/// <c>Metering.Ledger</c>, the ones exported to Prometheus) with a <see cref="MeterListener"/>:
/// operations by kind, operation and outcome, and the shared flush's batch size and duration.
/// Why not scrape <c>/metrics</c>: the dashboard must work with no Prometheus and through the
/// public API only, and the instruments are already here; the listener adds one dictionary
/// update per measurement.
/// <para>
/// Bounded: one bucket per second for the last <see cref="Limits.ActivityWindowSeconds"/>
/// seconds, each with at most <see cref="Limits.MaxActivitySeries"/> series (past it, "other").
/// A measurement that races the turn of a second may land in the bucket being replaced and be
/// lost: the figures are for a dashboard, not for billing. A listener hears every meter of its
/// process, so in a test process that hosts several silos each counts them all. Thread-safe.
/// </para>
/// </summary>
internal sealed class LedgerActivity : IDisposable
{
    private const string OperationsInstrument = "metering.ledger.operations";
    private const string BatchInstrument = "metering.ledger.flush.batch_size";
    private const string DurationInstrument = "metering.ledger.flush.duration";
    private static readonly (string, string, string) Other = ("other", "other", "other");

    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly Bucket?[] _ring = new Bucket?[Limits.ActivityWindowSeconds + 1];
    private readonly Lock _turn = new();

    public LedgerActivity(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FlushMetrics.MeterName
                && instrument.Name is OperationsInstrument or BatchInstrument or DurationInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnOperations(value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Current().Flushed(value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Current().Took(value));
        _listener.Start();
    }

    /// <summary>The sums of the last <see cref="Limits.ActivityWindowSeconds"/> whole seconds.</summary>
    public SiloActivity Snapshot(string silo)
    {
        var now = _time.GetUtcNow();
        long second = now.ToUnixTimeSeconds();
        var counts = new Dictionary<(string, string, string), long>();
        var flush = FlushSummary.None;
        for (long s = second - Limits.ActivityWindowSeconds; s < second; s++)
        {
            if (_ring[Slot(s)] is { } bucket && bucket.Second == s)
            {
                foreach (var (key, count) in bucket.Counts)
                {
                    counts[key] = counts.GetValueOrDefault(key) + Volatile.Read(ref count.Value);
                }

                flush = flush.Plus(bucket.Summary());
            }
        }

        var operations = counts.Select(c => new OperationCount(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Value))
            .OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Operation, StringComparer.Ordinal).ThenBy(c => c.Outcome, StringComparer.Ordinal)
            .ToList();
        return new SiloActivity(silo, now, Limits.ActivityWindowSeconds, operations, flush, []);
    }

    public void Dispose() => _listener.Dispose();

    private static int Slot(long second) => (int)(second % (Limits.ActivityWindowSeconds + 1));

    private void OnOperations(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string kind = "", operation = "", outcome = "";
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "kind": kind = tag.Value as string ?? ""; break;
                case "operation": operation = tag.Value as string ?? ""; break;
                case "outcome": outcome = tag.Value as string ?? ""; break;
            }
        }

        Current().Count((kind, operation, outcome), value);
    }

    private Bucket Current()
    {
        long second = _time.GetUtcNow().ToUnixTimeSeconds();
        int slot = Slot(second);
        if (Volatile.Read(ref _ring[slot]) is { } bucket && bucket.Second == second)
        {
            return bucket;
        }

        lock (_turn)
        {
            if (_ring[slot] is not { } current || current.Second != second)
            {
                current = new Bucket(second);
                Volatile.Write(ref _ring[slot], current);
            }

            return current;
        }
    }

    /// <summary>One second of activity. Counters are updated with interlocked operations.</summary>
    private sealed class Bucket(long second)
    {
        private long _transactions;
        private long _operations;
        private long _maxBatch;
        private long _totalMicros;
        private long _maxMicros;

        public long Second { get; } = second;

        public ConcurrentDictionary<(string, string, string), StrongBox<long>> Counts { get; } = new();

        public void Count((string, string, string) key, long value)
        {
            if (!Counts.TryGetValue(key, out var box))
            {
                box = Counts.Count >= Limits.MaxActivitySeries ? Counts.GetOrAdd(Other, _ => new StrongBox<long>()) : Counts.GetOrAdd(key, _ => new StrongBox<long>());
            }

            Interlocked.Add(ref box.Value, value);
        }

        public void Flushed(int operations)
        {
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _operations, operations);
            Max(ref _maxBatch, operations);
        }

        public void Took(double seconds)
        {
            long micros = (long)(seconds * 1_000_000);
            Interlocked.Add(ref _totalMicros, micros);
            Max(ref _maxMicros, micros);
        }

        public FlushSummary Summary() => new(
            Volatile.Read(ref _transactions), Volatile.Read(ref _operations), Volatile.Read(ref _maxBatch),
            Volatile.Read(ref _totalMicros) / 1e6, Volatile.Read(ref _maxMicros) / 1e6);

        private static void Max(ref long target, long value)
        {
            long seen = Volatile.Read(ref target);
            while (value > seen)
            {
                long was = Interlocked.CompareExchange(ref target, value, seen);
                if (was == seen)
                {
                    return;
                }

                seen = was;
            }
        }
    }
}
