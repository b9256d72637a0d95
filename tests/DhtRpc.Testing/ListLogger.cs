using Microsoft.Extensions.Logging;

namespace DhtRpc.Testing;

/// <summary>Keeps every log line, stamped by <paramref name="clock"/>, so a failing test can show what the node did and when.</summary>
public sealed class ListLogger(TimeProvider clock) : ILoggerFactory, ILogger
{
    private readonly long _start = clock.GetTimestamp();

    public List<string> Lines { get; } = [];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (Lines)
        {
            Lines.Add(FormattableString.Invariant($"{clock.GetElapsedTime(_start).TotalMilliseconds,8:0} ms {eventId.Id} {formatter(state, exception)}"));
        }
    }

    public void Dispose()
    {
    }
}
