namespace DhtRpc;

/// <summary>Local failures of a request or query (never sent on the wire).</summary>
public enum DhtErrorCode
{
    /// <summary>No reply after every retry.</summary>
    RequestTimeout,

    /// <summary>The request was cancelled: its session or the node was destroyed.</summary>
    RequestDestroyed,

    /// <summary>The node was suspended while the request was in flight.</summary>
    IoSuspended,

    /// <summary>The node is destroyed; nothing can be sent.</summary>
    NodeDestroyed,

    /// <summary>A query ended without any closest reply to commit to.</summary>
    TooFewNodes,

    /// <summary>A commit to a closest node failed (for example: it sent no token).</summary>
    CommitFailed,

    /// <summary>A socket could not be bound to the requested address (see <see cref="Transport.DatagramBindException"/>).</summary>
    BindFailed,

    /// <summary>The operating system refused to set up the machinery a transport needs (epoll, eventfd).</summary>
    TransportFailed,
}

/// <summary>
/// The base of every failure the library reports for its own reasons; <see cref="Code"/> says which.
/// Request and query failures read "CODE: details" like dht-rpc's errors.
/// </summary>
public class DhtException : Exception
{
    /// <summary>A REQUEST_DESTROYED failure.</summary>
    public DhtException()
        : this(DhtErrorCode.RequestDestroyed, "Request destroyed")
    {
    }

    /// <summary>A failure with <paramref name="message"/> as its text (and the default code).</summary>
    public DhtException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with <paramref name="message"/> as its text, caused by <paramref name="innerException"/>.</summary>
    public DhtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure with <paramref name="code"/>; the message reads "CODE: details".</summary>
    public DhtException(DhtErrorCode code, string details)
        : base($"{CodeText(code)}: {details}")
    {
        Code = code;
    }

    /// <summary>For derived failures: <paramref name="message"/> is kept as it is, without a code prefix.</summary>
    protected DhtException(DhtErrorCode code, string? message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Which failure this is.</summary>
    public DhtErrorCode Code { get; }

    /// <summary>The dht-rpc style name of <paramref name="code"/> (REQUEST_TIMEOUT, ...).</summary>
    public static string CodeText(DhtErrorCode code) => code switch
    {
        DhtErrorCode.RequestTimeout => "REQUEST_TIMEOUT",
        DhtErrorCode.RequestDestroyed => "REQUEST_DESTROYED",
        DhtErrorCode.IoSuspended => "IO_SUSPENDED",
        DhtErrorCode.NodeDestroyed => "NODE_DESTROYED",
        DhtErrorCode.TooFewNodes => "TOO_FEW_NODES",
        DhtErrorCode.CommitFailed => "COMMIT_FAILED",
        DhtErrorCode.BindFailed => "BIND_FAILED",
        DhtErrorCode.TransportFailed => "TRANSPORT_FAILED",
        _ => code.ToString(),
    };

    internal static DhtException Timeout() => new(DhtErrorCode.RequestTimeout, "Request timed out");

    internal static DhtException Destroyed() => new(DhtErrorCode.RequestDestroyed, "Request destroyed");

    internal static DhtException Suspended() => new(DhtErrorCode.IoSuspended, "I/O suspended");

    /// <summary>A commit function threw: the message names the code and the commit's own message.</summary>
    internal static DhtException CommitFailed(Exception error) =>
        new(DhtErrorCode.CommitFailed, $"{CodeText(DhtErrorCode.CommitFailed)}: {error.Message}", error);

    /// <summary>The operating system refused a transport's setup; the message is kept as it is.</summary>
    internal static DhtException TransportFailed(string message) => new(DhtErrorCode.TransportFailed, message, null);

    internal static DhtException NodeIsDestroyed() => new(DhtErrorCode.NodeDestroyed, "Node destroyed");
}
