using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>A request as it reached the node, before it is answered (see <see cref="DhtNode.RequestReceived"/>).</summary>
public sealed class ReceivedRequest
{
    internal ReceivedRequest(DhtPeer from, ulong command, bool isInternal, NodeId? target, bool hasToken)
    {
        From = from;
        Command = command;
        Internal = isInternal;
        Target = target;
        HasToken = hasToken;
    }

    /// <summary>Who asked: its address, and its id when the id it sent is the hash of that address.</summary>
    public DhtPeer From { get; }

    /// <summary>The command number (<see cref="Commands"/> for the built-in ones, which have <see cref="Internal"/> set).</summary>
    public ulong Command { get; }

    /// <summary>True for dht-rpc's own commands (PING, PING_NAT, FIND_NODE, DOWN_HINT, DELAYED_PING), answered by the node itself.</summary>
    public bool Internal { get; }

    /// <summary>The target id the request names, if any.</summary>
    public NodeId? Target { get; }

    /// <summary>True when the request carried a valid token of ours (the sender proved it receives at its address).</summary>
    public bool HasToken { get; }
}
