using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace DhtRpc.SideBySide;

/// <summary>Every log line on stderr with the milliseconds since start (--trace true), to see where a join spends its time.</summary>
internal sealed class StderrLog : ILoggerFactory, ILogger
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.Error.WriteLine(FormattableString.Invariant($"{_clock.Elapsed.TotalMilliseconds,8:0.0} ms {eventId.Id} {formatter(state, exception)}"));

    public void Dispose()
    {
    }
}
