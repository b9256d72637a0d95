namespace DhtRpc;

/// <summary>Built-in (internal) command numbers and the error codes dht-rpc reserves.</summary>
public static class Commands
{
    /// <summary>PING: answered with an empty reply.</summary>
    public const ulong Ping = 0;

    /// <summary>PING_NAT: answered to the port the request names (firewall test).</summary>
    public const ulong PingNat = 1;

    /// <summary>FIND_NODE: answered with the closest nodes to the target.</summary>
    public const ulong FindNode = 2;

    /// <summary>DOWN_HINT: a node the sender referred us to is not answering.</summary>
    public const ulong DownHint = 3;

    /// <summary>DELAYED_PING: answered after the delay the request names.</summary>
    public const ulong DelayedPing = 4;
}

/// <summary>Error codes carried in responses. dht-rpc keeps 0–15; applications start at 16.</summary>
public static class ErrorCodes
{
    /// <summary>Success.</summary>
    public const ulong Ok = 0;

    /// <summary>The receiver does not handle this command.</summary>
    public const ulong UnknownCommand = 1;

    /// <summary>The token the request carried is not valid for the sender.</summary>
    public const ulong InvalidToken = 2;

    /// <summary>
    /// The reply is larger than this node sends to an address that has not proven it receives there
    /// (an extension of this library, in the range dht-rpc keeps): the error carries a token, and the
    /// same request sent again with it is answered in full. This library's queries and requests do so
    /// by themselves.
    /// </summary>
    public const ulong TokenRequired = 15;
}
