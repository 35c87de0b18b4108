using System.Collections.Concurrent;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Storage;
using Metering.Grains.Usage;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Metering.Tests.Engine;

/// <summary>The usage-event store's write against real PostgreSQL, its statements observed through Npgsql's log.</summary>
public sealed class UsageEventStoreTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Insert_CommitsAnExplicitTransaction_BeforeAnsweringTheNewKeys()
    {
        string connectionString = await MeteringDatabase.CreateAsync(postgres, "ingest-tx");
        var log = new CapturedLog();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseLoggerFactory(LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(log)));
        await using var db = builder.Build();
        var store = new UsageEventStore(new LedgerStore(db));

        var inserted = await store.InsertAsync([new UsageEvent("g1", "t1", "dep", Noon, 1, 2, 0.5m)], Noon);

        Assert.Equal([("t1", "g1")], inserted);
        // Npgsql logs a commit only for an explicit transaction; a statement's implicit commit
        // is never reported back as such. The commit follows the statement.
        var messages = log.Messages.ToList();
        int executed = messages.FindIndex(m => m.StartsWith("Command execution completed", StringComparison.Ordinal) && m.Contains("usage_event", StringComparison.Ordinal));
        int committed = messages.FindIndex(m => m.StartsWith("Committed transaction", StringComparison.Ordinal));
        Assert.True(executed >= 0, "the ingest statement was not logged");
        Assert.True(committed > executed, "no explicit commit followed the ingest statement");
    }

    /// <summary>Collects every log message (any category, any level).</summary>
    private sealed class CapturedLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
