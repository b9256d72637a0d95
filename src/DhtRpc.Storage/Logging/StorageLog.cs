using DhtRpc.Wire;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Storage.Logging;

/// <summary>
/// Every log event of the storage library, with its fixed id (2000–2999, listed in docs/logging.md).
/// Ids go by area: 2000s the storage node, 2010s republishing, 2020s the store file, 2030s remembered
/// peers, 2040s whole values put and fetched by clients. Failing to open a store or to fetch a value
/// is thrown to the caller as well, so it is logged below Warning and a program that reports the
/// exception does not report it twice; a database failing while in use is logged as an error.
/// </summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Refused command {Command} from {Source}: {Reason} (error {Code})")]
    public static partial void Refused(this ILogger logger, ulong command, Ipv4Endpoint source, string reason, ulong code);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The store is full: refused command {Command} from {Source} ({Items} items, {Bytes} bytes held)")]
    public static partial void RefusedFull(this ILogger logger, ulong command, Ipv4Endpoint source, int items, long bytes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Serving storage: records live {RecordTtl}, republished every {RepublishInterval}; at most {MaxItems} items and {MaxBytes} bytes")]
    public static partial void Serving(this ILogger logger, TimeSpan recordTtl, TimeSpan republishInterval, int maxItems, long maxBytes);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Stopped serving storage")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "The store is full: evicted {Items} items ({Bytes} bytes) of {Source}, the largest holder, to take {Size} bytes from {Requester}")]
    public static partial void Evicted(this ILogger logger, string source, int items, long bytes, int size, string requester);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Answered command {Command} from {Source} with STORE_FAILED: the store failed")]
    public static partial void StoreWorkFailed(this ILogger logger, ulong command, Ipv4Endpoint source, Exception error);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "A count (access, totals) was not written: the store failed; the request it counts was answered")]
    public static partial void AccessNotCounted(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Republishing {Records} content records ({Expired} expired records removed)")]
    public static partial void RepublishStarted(this ILogger logger, int records, int expired);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Republished {Pushed} of {Records} content records: {Skipped} refreshed by others, {Failed} failed, {Kept} kept here")]
    public static partial void RepublishFinished(this ILogger logger, int records, int pushed, int skipped, int failed, int kept);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Debug, Message = "Republishing {Key} failed")]
    public static partial void RepublishRecordFailed(this ILogger logger, NodeId key, Exception error);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "A republish round is still running; this one is skipped")]
    public static partial void RepublishOverlap(this ILogger logger);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Debug, Message = "Republishing stopped: the node shut down during a round")]
    public static partial void RepublishInterrupted(this ILogger logger);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "A republish round stopped: the store failed")]
    public static partial void RepublishStoreFailed(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Opened the store database {Path}: {Items} items, {Bytes} bytes")]
    public static partial void StoreOpened(this ILogger logger, string path, long items, long bytes);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Closed the store database {Path}")]
    public static partial void StoreClosed(this ILogger logger, string path);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Debug, Message = "Cannot open the store in {Path}")]
    public static partial void StoreOpenFailed(this ILogger logger, string path, Exception error);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Error, Message = "The store database {Path} failed")]
    public static partial void DatabaseFailed(this ILogger logger, string path, Exception error);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Loaded {Count} remembered peers from {Path} (saved at {SavedAt})")]
    public static partial void PeersLoaded(this ILogger logger, int count, string path, DateTimeOffset? savedAt);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Debug, Message = "Saved {Count} peers to {Path}")]
    public static partial void PeersSaved(this ILogger logger, int count, string path);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Debug, Message = "Stored {Size} bytes under {Key} as {Blocks} blocks, each on at least {Replicas} nodes")]
    public static partial void ValueStored(this ILogger logger, long size, NodeId key, int blocks, int replicas);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Debug, Message = "Fetched {Size} bytes under {Key}")]
    public static partial void ValueFetched(this ILogger logger, int size, NodeId key);

    [LoggerMessage(EventId = 2042, Level = LogLevel.Debug, Message = "No node holds {Key}")]
    public static partial void ValueNotFound(this ILogger logger, NodeId key);

    [LoggerMessage(EventId = 2043, Level = LogLevel.Information, Message = "The value under {Key} failed verification")]
    public static partial void ValueCorrupt(this ILogger logger, NodeId key, Exception error);

    [LoggerMessage(EventId = 2044, Level = LogLevel.Information, Message = "The value under {Key} is missing a block")]
    public static partial void ValueIncomplete(this ILogger logger, NodeId key, Exception error);

    [LoggerMessage(EventId = 2045, Level = LogLevel.Debug, Message = "Ignored a reply from {Node} whose value does not hash to {Key}")]
    public static partial void CorruptReply(this ILogger logger, Ipv4Endpoint node, NodeId key);
}
