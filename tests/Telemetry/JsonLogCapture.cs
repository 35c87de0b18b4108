using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Metering.Tests.Telemetry;

/// <summary>
/// A logger provider that writes every entry as the console logger's formatter would (the same
/// <see cref="ConsoleFormatter"/> instance, its options bound from configuration, and the
/// framework's scopes), into memory instead of standard output: what a pod would print. Thread-safe.
/// </summary>
internal sealed class JsonLogCapture(ConsoleFormatter formatter) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(JsonLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            capture.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), writer);
            capture._lines.Enqueue(writer.ToString());
        }
    }

    private void Write<TState>(in LogEntry<TState> entry, TextWriter writer) => formatter.Write(in entry, _scopes, writer);
}
