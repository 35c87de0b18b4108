using System.Diagnostics.Metrics;
using Metering.Grains.Hosting;

namespace Metering.Bench;

/// <summary>
/// Listens to the ledger's own flush instruments (meter <c>Metering.Ledger</c>) while a grain
/// phase runs: how many shared flushes the silo made, how many operations each carried and
/// how long each took (from taking a connection to the commit). Tells where a reserve's time goes.
/// </summary>
internal sealed class FlushListener : IDisposable
{
    // The names LedgerMetrics gives its instruments (internal to the grains, so repeated here).
    private const string BatchSizeInstrument = "metering.ledger.flush.batch_size";
    private const string DurationInstrument = "metering.ledger.flush.duration";

    /// <summary>Flush durations kept for percentiles; past it only the sums grow.</summary>
    private const int MaxSamples = 1_000_000;

    // FlushMetrics.Flushed records the batch size, then the duration, on the same thread.
    [ThreadStatic]
    private static int t_lastBatchSize;

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<double> _durationsMs = [];
    private long _flushes;
    private long _operations;
    private double _totalMs;
    private double _operationWeightedMs;

    public FlushListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeteringSiloExtensions.LedgerMeterName
                && instrument.Name is BatchSizeInstrument or DurationInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == BatchSizeInstrument)
            {
                t_lastBatchSize = value;
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == DurationInstrument && Tag(tags, "status") == "committed")
            {
                // Recorded in seconds (OpenTelemetry's unit); figures here are in ms.
                Record(t_lastBatchSize, value * 1000);
            }
        });
        _listener.Start();
    }

    /// <summary>What was heard so far.</summary>
    public FlushStats Stats()
    {
        lock (_gate)
        {
            return new FlushStats(_flushes, _operations, _totalMs, _operationWeightedMs, [.. _durationsMs]);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(int operations, double ms)
    {
        lock (_gate)
        {
            _flushes++;
            _operations += operations;
            _totalMs += ms;
            _operationWeightedMs += ms * operations;
            if (_durationsMs.Count < MaxSamples)
            {
                _durationsMs.Add(ms);
            }
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

/// <summary>The silo's committed shared flushes during a phase (the phase's grains are its only writers).</summary>
/// <param name="TotalMs">The flushes' durations summed.</param>
/// <param name="OperationWeightedMs">Each flush's duration times its operations: the time callers spent waiting inside their own flush.</param>
internal sealed record FlushStats(long Flushes, long Operations, double TotalMs, double OperationWeightedMs, double[] DurationsMs)
{
    public double OperationsPerFlush => Flushes > 0 ? (double)Operations / Flushes : 0;

    public double MedianMs => Percentiles.Of(DurationsMs, 50);

    public double P95Ms => Percentiles.Of(DurationsMs, 95);

    /// <summary>Flushes running at once, on average over <paramref name="elapsed"/> (Little's law).</summary>
    public double MeanInProgress(TimeSpan elapsed) => elapsed > TimeSpan.Zero ? TotalMs / elapsed.TotalMilliseconds : 0;

    /// <summary>
    /// The share of the callers' waiting time spent inside the flush that carried their reserve
    /// (the rest: waiting for the flush before it, the grain calls, the decision, the scheduler).
    /// </summary>
    public double ShareOfCallTime(LoadRun run)
    {
        double callMs = run.CallLatenciesMs.Sum();
        return callMs > 0 ? OperationWeightedMs / callMs : 0;
    }

    public FlushStats Plus(FlushStats other) => new(
        Flushes + other.Flushes,
        Operations + other.Operations,
        TotalMs + other.TotalMs,
        OperationWeightedMs + other.OperationWeightedMs,
        [.. DurationsMs, .. other.DurationsMs]);

    public string Summary(LoadRun run) =>
        $"{Flushes:N0} flushes, {OperationsPerFlush:N1} reserves per flush, flush median {MedianMs:N2} ms, p95 {P95Ms:N2} ms, " +
        $"{MeanInProgress(run.Elapsed):N1} flushes in progress on average, {ShareOfCallTime(run):P0} of the callers' time inside their own flush";
}
