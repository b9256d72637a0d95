using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>What a response carries besides its transaction id and destination.</summary>
internal readonly record struct ReplyParams
{
    /// <summary>0 for success; an error code otherwise.</summary>
    public ulong Error { get; init; }

    /// <summary>The reply value; null sends none.</summary>
    public byte[]? Value { get; init; }

    /// <summary>Include a fresh token for the destination's host.</summary>
    public bool WithToken { get; init; }

    /// <summary>
    /// The destination presented a valid token with the request: it receives at its address, so the
    /// reply is not held to the budgets for unproven addresses.
    /// </summary>
    public bool Proven { get; init; }

    /// <summary>Include the table nodes closest to <see cref="Target"/> (when there is one).</summary>
    public bool WithCloserNodes { get; init; }

    public NodeId? Target { get; init; }

    /// <summary>A bare success reply: no value, token or closer nodes.</summary>
    public static ReplyParams Empty => default;

    /// <summary>A reply with <paramref name="error"/> and the nodes closest to <paramref name="target"/>.</summary>
    public static ReplyParams CloserTo(NodeId? target, ulong error = 0) =>
        new() { Error = error, WithCloserNodes = true, Target = target };
}
