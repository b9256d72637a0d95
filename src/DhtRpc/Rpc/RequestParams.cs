using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>What a request carries and how it leaves: everything but its destination.</summary>
internal readonly record struct RequestParams
{
    public required ulong Command { get; init; }

    /// <summary>A built-in command (PING, FIND_NODE, ...) rather than an application one.</summary>
    public bool IsInternal { get; init; }

    public NodeId? Target { get; init; }

    public byte[]? Value { get; init; }

    /// <summary>A token the destination handed us earlier (commits).</summary>
    public byte[]? Token { get; init; }

    /// <summary>The session the request belongs to, if any.</summary>
    public DhtSession? Session { get; init; }

    /// <summary>Send at once even when the congestion window is full.</summary>
    public bool BypassCongestion { get; init; }

    /// <summary>A built-in command with an optional value, outside any session.</summary>
    public static RequestParams Internal(ulong command, byte[]? value = null) =>
        new() { Command = command, IsInternal = true, Value = value };
}
