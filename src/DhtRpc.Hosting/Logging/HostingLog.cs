using Microsoft.Extensions.Logging;

namespace DhtRpc.Hosting.Logging;

/// <summary>The hosting layer's log events (ids 4000–4999, listed in docs/logging.md).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Node started on {Host}:{Port} ({Role}); {Remembered} peers remembered from the last run")]
    public static partial void Started(this ILogger logger, string host, int port, string role, int remembered);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Node stopping: {Saved} peers saved, store closed")]
    public static partial void Stopped(this ILogger logger, int saved);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not save known peers")]
    public static partial void PeerSaveFailed(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Could not remember the node's port in {Directory}")]
    public static partial void PortSaveFailed(this ILogger logger, string directory, Exception error);
}
