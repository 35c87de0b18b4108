using System.Diagnostics;

namespace Metering.Grains.Storage;

/// <summary>
/// The ledger's spans (activity source <see cref="ActivitySourceName"/>): one per shared flush
/// (<see cref="GroupCommit{TItem, TResult}"/>), named after what it writes ("ledger flush",
/// "usage event flush"). A flush serves many callers of many traces, so it is the root of a trace
/// of its own, linked to each caller's span (captured when the caller's write was queued), and
/// the flush's SQL commands are its children, not any one caller's. Nothing is created while no
/// tracer listens (tracing is off unless an OTLP endpoint is configured: docs/benchmarks.md).
/// </summary>
public static class LedgerTracing
{
    /// <summary>The activity source of the ledger: subscribe it to see the flushes (same name as the ledger's meter).</summary>
    public const string ActivitySourceName = "Metering.Ledger";

    /// <summary>
    /// Most caller links on one flush span (callers, not accounts: one account's write carries the
    /// operations of up to <see cref="GrainInterfaces.Common.Limits.MaxFlushBatch"/> callers). 128
    /// is OpenTelemetry's default span link limit: an SDK drops links past it anyway, so keeping
    /// more would only cost memory on every staged operation. An account's batch keeps at most this
    /// many of its callers; the span's <c>metering.flush.links_dropped</c> counts those kept by the
    /// accounts that did not fit on the span.
    /// </summary>
    public const int MaxLinks = 128;

    internal static ActivitySource Source { get; } = new(ActivitySourceName);
}
