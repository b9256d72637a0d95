using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Storage.Tests.Logging;

/// <summary>One captured log event.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId Id, string Message, Exception? Error);

/// <summary>Loggers that keep every event, at every level, in one list.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IEnumerable<LogEntry> WithId(int id) => Entries.Where(e => e.Id.Id == id);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
