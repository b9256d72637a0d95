using DhtRpc.Wire;

namespace DhtRpc.Routing;

/// <summary>
/// A peer known to the routing table, with the bookkeeping the node keeps about it. Times are tick
/// numbers (one tick = 5 s). Also a link in the time-ordered list of table entries.
/// </summary>
public sealed class RoutingNode
{
    /// <summary>An entry for <paramref name="id"/> at <paramref name="endpoint"/>.</summary>
    public RoutingNode(NodeId id, Ipv4Endpoint endpoint)
    {
        Id = id;
        Endpoint = endpoint;
    }

    /// <summary>The node's id (the hash of its address).</summary>
    public NodeId Id { get; }

    /// <summary>Where the node is reached.</summary>
    public Ipv4Endpoint Endpoint { get; }

    /// <summary>Our own address as this peer reported it (a NAT sample), if any.</summary>
    public Ipv4Endpoint? ReportedTo { get; internal set; }

    /// <summary>The tick the node entered the table.</summary>
    public long Added { get; internal set; }

    /// <summary>Last tick we interacted with it.</summary>
    public long Pinged { get; internal set; }

    /// <summary>Last tick we heard from it.</summary>
    public long Seen { get; internal set; }

    /// <summary>Last tick its view of our address fed the NAT sampler (0 = never).</summary>
    public long Sampled { get; internal set; }

    /// <summary>DOWN_HINTs received about this node.</summary>
    public int DownHints { get; internal set; }

    // Links of the time-ordered list (TimeOrderedNodes); null when not in the list.
    internal RoutingNode? Previous { get; set; }

    internal RoutingNode? Next { get; set; }

    internal TimeOrderedNodes? List { get; set; }

    /// <summary>The address and id.</summary>
    public override string ToString() => $"{Endpoint} {Id}";
}
