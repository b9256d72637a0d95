using DhtRpc.Wire;
using DhtRpc.Nat;
using DhtRpc.Routing;
using DhtRpc.Rpc;

namespace DhtRpc;

/// <summary>Keeping the routing table: learning from traffic, liveness checks, ping-to-evict.</summary>
public sealed partial class DhtNode
{
    /// <summary>A peer seen within this many ticks (1 min) counts as recently seen.</summary>
    private const int RecentNode = 12;

    /// <summary>A peer in the table longer than this many ticks (30 min) counts as old.</summary>
    private const int OldNode = 360;

    private readonly List<Ipv4Endpoint> _bootstrapSamples = [];
    private NatSampler _nat = new();
    private int _repinging;

    /// <summary>Raised when a node enters the routing table.</summary>
    public event Action<RoutingNode>? NodeAdded;

    /// <summary>Raised when a node leaves the routing table.</summary>
    public event Action<RoutingNode>? NodeRemoved;

    /// <summary>Raised when our public address estimate changes (host null = unknown).</summary>
    public event Action<Ipv4Endpoint?>? NatUpdated;

    internal bool AcceptsPeer(Ipv4Endpoint endpoint) => Options.FilterNode is not { } filter || filter(endpoint);

    /// <summary>Learns from a validated request or a matched response (spec §5.4).</summary>
    private void AddNodeFromNetwork(bool sample, DhtPeer from, Ipv4Endpoint to)
    {
        if (!AcceptsPeer(from.Endpoint))
        {
            return;
        }

        if (from.Id is not { } id)
        {
            SampleBootstrapMaybe(from.Endpoint, to);
            return;
        }

        var known = Table.Get(id);
        if (known is not null)
        {
            if (sample && (known.Sampled == 0 || _tick - known.Sampled >= OldNode))
            {
                known.ReportedTo = to;
                known.Sampled = _tick;
                NatAdd(to);
            }

            known.Pinged = known.Seen = _tick;
            if (Nodes.Contains(known))
            {
                Nodes.Add(known);
            }

            return;
        }

        AddNodeCore(new RoutingNode(id, from.Endpoint) { ReportedTo = to });
    }

    /// <summary>Ephemeral senders (no id) still tell us our address: sample a few of them, at most one per bootstrap node.</summary>
    private void SampleBootstrapMaybe(Ipv4Endpoint from, Ipv4Endpoint to)
    {
        if (_bootstrapSamples.Count >= Math.Max(1, _bootstrap.Entries.Count) || _bootstrapSamples.Contains(from))
        {
            return;
        }

        _bootstrapSamples.Add(from);
        NatAdd(to);
    }

    private void AddNodeCore(RoutingNode node)
    {
        if (Nodes.Contains(node) || node.Id == Table.Id)
        {
            return;
        }

        node.Added = node.Pinged = node.Seen = _tick;
        var replaced = Table.Get(node.Id);
        if (!Table.Add(node))
        {
            return;
        }

        // Re-adding a known address replaces its entry; keep the time-ordered list free of the old one.
        if (replaced is not null && replaced != node)
        {
            Nodes.Remove(replaced);
        }

        Nodes.Add(node);
        if (node.ReportedTo is { } to && node.Sampled == 0)
        {
            node.Sampled = _tick;
            NatAdd(to);
        }

        NodeAdded?.Invoke(node);
    }

    private void RemoveNode(RoutingNode node)
    {
        if (!Nodes.Contains(node))
        {
            return;
        }

        Table.Remove(node.Id);
        Nodes.Remove(node);
        NodeRemoved?.Invoke(node);
    }

    private void NatAdd(Ipv4Endpoint sample)
    {
        var before = PublicEndpoint;
        _nat.Add(sample);
        var after = PublicEndpoint;
        if (before != after)
        {
            NatUpdated?.Invoke(after);
        }
    }

    /// <summary>Liveness check: PING; remove the node on failure or if the reply proves nothing new.</summary>
    private void Check(RoutingNode node)
    {
        node.Pinged = _tick;
        var lastSeen = node.Seen;
        _checks++;
        Ping(
            node,
            (_, _) =>
            {
                _checks--;
                if (node.Seen <= lastSeen)
                {
                    RemoveNode(node);
                }
            },
            (_, _) =>
            {
                _checks--;
                RemoveNode(node);
            });
    }

    /// <summary>A newcomer found its row full: ping the stalest entry and replace it if it is gone.</summary>
    private void OnRowFull(RoutingNode newcomer, RoutingRow row)
    {
        if (!Bootstrapped || _repinging >= 3)
        {
            return;
        }

        RoutingNode? oldest = null;
        foreach (var node in row.Nodes)
        {
            if (node.Pinged == _tick)
            {
                continue;
            }

            if (oldest is null || oldest.Pinged > node.Pinged || (oldest.Pinged == node.Pinged && oldest.Added > node.Added))
            {
                oldest = node;
            }
        }

        if (oldest is null || (_tick - oldest.Pinged < RecentNode && _tick - oldest.Added > OldNode))
        {
            return;
        }

        RepingAndSwap(newcomer, oldest);
    }

    private void RepingAndSwap(RoutingNode newcomer, RoutingNode oldNode)
    {
        var lastSeen = oldNode.Seen;
        oldNode.Pinged = _tick;
        _repinging++;

        void Swap()
        {
            _repinging--;
            RemoveNode(oldNode);
            AddNodeCore(newcomer);
        }

        Ping(
            oldNode,
            (_, _) =>
            {
                if (oldNode.Seen <= lastSeen)
                {
                    Swap();
                    return;
                }

                _repinging--;
            },
            (_, _) => Swap());
    }

    /// <summary>PINGs a table node by address only (its removal is up to the callbacks, not the timeout path).</summary>
    private void Ping(RoutingNode node, Action<DhtResponse, OutgoingRequest> onResponse, Action<DhtException, OutgoingRequest> onError) =>
        Io.Send(new DhtPeer(node.Endpoint, null), RequestParams.Internal(Commands.Ping), onResponse, onError);

    /// <summary>Per-tick budget of down hints (-1 = unlimited).</summary>
    internal bool TryTakeDownHintBudget()
    {
        if (_downHintsRateLimit != -1 && _downHintsSentPerTick >= _downHintsRateLimit)
        {
            return false;
        }

        _downHintsSentPerTick++;
        return true;
    }
}
