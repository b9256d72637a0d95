namespace DhtRpc;

/// <summary>Built-in (internal) command numbers and the error codes dht-rpc reserves.</summary>
public static class Commands
{
    public const ulong Ping = 0;
    public const ulong PingNat = 1;
    public const ulong FindNode = 2;
    public const ulong DownHint = 3;
    public const ulong DelayedPing = 4;
}

/// <summary>Error codes carried in responses. dht-rpc keeps 0–15; applications start at 16.</summary>
public static class ErrorCodes
{
    public const ulong Ok = 0;
    public const ulong UnknownCommand = 1;
    public const ulong InvalidToken = 2;
}
