using Metering.GrainInterfaces.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Metering.Grains.Retention;

/// <summary>
/// The retention clean-up (docs/architecture.md, "Retention"): forgets request keys whose last use
/// is older than <see cref="RetentionSettings.RequestIdHours"/> (their journal rows with their
/// closed or expired hold, grants excepted) and deletes raw usage events older than
/// <see cref="RetentionSettings.UsageEventDays"/> plus a margin. Account rows, grants, pool audit
/// records, port usage days, port budget changes and usage rollups are never deleted.
/// </summary>
/// <remarks>
/// One run at a time in the whole cluster (a PostgreSQL advisory lock; a run that finds it taken
/// does nothing). A run deletes in statements of at most <see cref="Limits.RetentionBatchRows"/>
/// rows, each its own transaction, and stops between two statements once
/// <see cref="RetentionSettings.MaxRunSeconds"/> have passed. Thread-safe: each run uses its own
/// connection.
/// </remarks>
public sealed partial class RetentionCleaner
{
    private readonly NpgsqlDataSource _db;
    private readonly RetentionSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _elapsed;

    /// <summary>A clean-up on <paramref name="db"/> with <paramref name="settings"/>, timing its runs with the system clock.</summary>
    public RetentionCleaner(NpgsqlDataSource db, RetentionSettings settings, ILogger<RetentionCleaner> logger)
        : this(db, settings, logger, TimeProvider.System)
    {
    }

    /// <param name="elapsed">Measures how long a run has been going (tests pass a clock that jumps).</param>
    internal RetentionCleaner(NpgsqlDataSource db, RetentionSettings settings, ILogger logger, TimeProvider elapsed)
    {
        _db = db;
        _settings = settings;
        _logger = logger;
        _elapsed = elapsed;
    }

    /// <summary>
    /// One run as of <paramref name="now"/> (the ledger's clock: the cutoffs are computed from it,
    /// never from the database's clock, so tests move it like every other ledger time). Returns
    /// what it did; <see cref="RetentionStatus.Locked"/> when another run holds the lock.
    /// Contention (a lock wait or statement time running out, a deadlock) ends the run as
    /// <see cref="RetentionStatus.Interrupted"/>; any other database error is thrown.
    /// </summary>
    public async Task<RetentionRun> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        long started = _elapsed.GetTimestamp();
        var progress = new Progress(_settings.KeyCutoff(now), _settings.EventCutoff(now));
        await using var conn = await _db.OpenConnectionAsync(ct);
        if (!await RetentionStore.TryLockAsync(conn, ct))
        {
            LogLocked(_logger);
            return progress.End(RetentionStatus.Locked, _elapsed.GetElapsedTime(started));
        }

        var status = RetentionStatus.Completed;
        try
        {
            status = await ForgetKeysAsync(conn, progress, started, ct);
            if (status == RetentionStatus.Completed)
            {
                status = await ForgetEventsAsync(conn, progress, started, ct);
            }
        }
        catch (Exception error) when (IsContention(error))
        {
            status = RetentionStatus.Interrupted;
            LogInterrupted(_logger, error.Message);
        }
        finally
        {
            await UnlockAsync(conn);
        }

        var run = progress.End(status, _elapsed.GetElapsedTime(started));
        LogRun(_logger, run.Status, run.JournalRows, run.Holds, run.UsageEvents, run.JournalBatches, run.EventBatches,
            (long)run.Elapsed.TotalMilliseconds, run.KeyCutoff, run.EventCutoff);
        return run;
    }

    private async Task<RetentionStatus> ForgetKeysAsync(NpgsqlConnection conn, Progress progress, long started, CancellationToken ct)
    {
        var cursor = JournalCursor.Start;
        while (true)
        {
            if (TimeIsUp(started))
            {
                return RetentionStatus.TimeLimitReached;
            }

            var batch = await RetentionStore.ForgetKeysAsync(conn, progress.KeyCutoff, cursor, ct);
            progress.Keys(batch);
            RetentionMetrics.RowsDeleted("ledger_journal", batch.JournalRows);
            RetentionMetrics.RowsDeleted("ledger_hold", batch.Holds);
            LogKeyBatch(_logger, batch.Scanned, batch.JournalRows, batch.Holds);
            if (batch.Scanned < Limits.RetentionBatchRows || batch.Next is null)
            {
                return RetentionStatus.Completed;
            }

            cursor = batch.Next;
        }
    }

    private async Task<RetentionStatus> ForgetEventsAsync(NpgsqlConnection conn, Progress progress, long started, CancellationToken ct)
    {
        while (true)
        {
            if (TimeIsUp(started))
            {
                return RetentionStatus.TimeLimitReached;
            }

            int deleted = await RetentionStore.ForgetEventsAsync(conn, progress.EventCutoff, ct);
            progress.Events(deleted);
            RetentionMetrics.RowsDeleted("usage_event", deleted);
            LogEventBatch(_logger, deleted);
            if (deleted < Limits.RetentionBatchRows)
            {
                return RetentionStatus.Completed;
            }
        }
    }

    private bool TimeIsUp(long started) => _elapsed.GetElapsedTime(started) >= _settings.MaxRunTime;

    /// <summary>
    /// Lock wait or statement time out (a flush held a row, a plan went wrong), or a deadlock with a
    /// flush: the statement rolled back whole and nothing of it happened. The next run retries.
    /// </summary>
    private static bool IsContention(Exception error) => error switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.QueryCanceled,
        NpgsqlException { InnerException: TimeoutException } => true,
        _ => false,
    };

    private async Task UnlockAsync(NpgsqlConnection conn)
    {
        try
        {
            // Not the run's token: a run cancelled at shutdown still lets go of the lock.
            await RetentionStore.UnlockAsync(conn, CancellationToken.None);
        }
        catch (NpgsqlException error)
        {
            // The connection broke: its session, and the lock with it, is gone already.
            LogUnlockFailed(_logger, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention run skipped: another silo's run holds the lock")]
    private static partial void LogLocked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention: {Scanned} old journal rows looked at, {JournalRows} journal rows and {Holds} holds deleted")]
    private static partial void LogKeyBatch(ILogger logger, int scanned, long journalRows, long holds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention: {Events} usage events deleted")]
    private static partial void LogEventBatch(ILogger logger, int events);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Retention run {Status}: deleted {JournalRows} journal rows, {Holds} holds, {Events} usage events in {JournalBatches} + {EventBatches} statements, " +
        "{ElapsedMs} ms (keys last used before {KeyCutoff:O}, events before {EventCutoff:O})")]
    private static partial void LogRun(ILogger logger, RetentionStatus status, long journalRows, long holds, long events,
        int journalBatches, int eventBatches, long elapsedMs, DateTimeOffset keyCutoff, DateTimeOffset eventCutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention run interrupted, the next run goes on: {Reason}")]
    private static partial void LogInterrupted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: releasing the lock failed ({Reason}); the session that held it is gone")]
    private static partial void LogUnlockFailed(ILogger logger, string reason);

    /// <summary>The counts of a run so far. Not thread-safe: one per run.</summary>
    private sealed class Progress(DateTimeOffset keyCutoff, DateTimeOffset eventCutoff)
    {
        private long _journalRows;
        private long _holds;
        private long _events;
        private int _journalBatches;
        private int _eventBatches;

        public DateTimeOffset KeyCutoff => keyCutoff;

        public DateTimeOffset EventCutoff => eventCutoff;

        public void Keys(JournalBatch batch)
        {
            _journalBatches++;
            _journalRows += batch.JournalRows;
            _holds += batch.Holds;
        }

        public void Events(int deleted)
        {
            _eventBatches++;
            _events += deleted;
        }

        public RetentionRun End(RetentionStatus status, TimeSpan elapsed)
        {
            RetentionMetrics.RunEnded(status, elapsed);
            return new RetentionRun(status, keyCutoff, eventCutoff, _journalRows, _holds, _events, _journalBatches, _eventBatches, elapsed);
        }
    }
}
