using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Metering.Tests.Retention;

/// <summary>Keeps the structured values of every log entry, at every level, so a test can read what was logged. Thread-safe.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<IReadOnlyList<KeyValuePair<string, object?>>> _entries = new();

    /// <summary>
    /// The values logged under <paramref name="name"/>, in order, by the messages whose template
    /// starts with <paramref name="template"/>.
    /// </summary>
    public List<T> Values<T>(string template, string name) =>
    [
        .. _entries
            .Where(e => e.Any(kv => kv.Key == "{OriginalFormat}" && kv.Value is string format && format.StartsWith(template, StringComparison.Ordinal)))
            .SelectMany(e => e.Where(kv => kv.Key == name).Select(kv => (T)kv.Value!)),
    ];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            _entries.Enqueue([.. values]);
        }
    }
}
