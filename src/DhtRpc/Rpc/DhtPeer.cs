using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>A peer's address and, when it proved one, its node id.</summary>
public readonly record struct DhtPeer(Ipv4Endpoint Endpoint, NodeId? Id)
{
    /// <summary>The address, with the start of the id when there is one.</summary>
    public override string ToString() => Id is { } id ? $"{Endpoint} ({id.ToString()[..12]}…)" : Endpoint.ToString();
}
