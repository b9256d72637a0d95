using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace DhtRpc.Cli;

/// <summary>
/// Console log lines for people: "HH:mm:ss warn: message (what the exception said)", one line each and
/// no stack trace; the stack belongs in a debugger, not in an operator's terminal.
/// </summary>
internal sealed class OneLineLogFormatter : ConsoleFormatter
{
    public const string FormatterName = "dht-one-line";

    public OneLineLogFormatter()
        : base(FormatterName)
    {
    }

    /// <summary>Logs through the console with this formatter, everything on stderr.</summary>
    public static ILoggingBuilder AddTo(ILoggingBuilder builder) => builder
        .AddConsole(o =>
        {
            o.FormatterName = FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        })
        .AddConsoleFormatter<OneLineLogFormatter, ConsoleFormatterOptions>();

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var cause = logEntry.Exception is { } e ? $" ({e.Message.TrimEnd()})" : "";
        textWriter.WriteLine($"{TimeProvider.System.GetLocalNow():HH:mm:ss} {Level(logEntry.LogLevel)}: {message}{cause}");
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
