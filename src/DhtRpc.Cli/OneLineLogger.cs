using Microsoft.Extensions.Logging;

namespace DhtRpc.Cli;

/// <summary>
/// Log lines for people, on stderr: "HH:mm:ss warn: message (what the exception said)", one line each
/// and no stack trace; the stack belongs in a debugger, not in an operator's terminal. Written at
/// once, under a lock: a node logs little unless asked, and nothing here needs reflection.
/// </summary>
internal sealed class OneLineLogger : ILoggerProvider, ILogger
{
    private readonly TextWriter _output;
    private readonly Lock _lock = new();

    public OneLineLogger(TextWriter? output = null)
    {
        _output = output ?? Console.Error;
    }

    /// <summary>Adds this provider to <paramref name="builder"/>.</summary>
    public static ILoggingBuilder AddTo(ILoggingBuilder builder) => builder.AddProvider(new OneLineLogger());

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var cause = exception is { } e ? $" ({e.Message.TrimEnd()})" : "";
        var line = $"{TimeProvider.System.GetLocalNow():HH:mm:ss} {Level(logLevel)}: {formatter(state, exception)}{cause}";
        lock (_lock)
        {
            _output.WriteLine(line);
        }
    }

    public void Dispose()
    {
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
