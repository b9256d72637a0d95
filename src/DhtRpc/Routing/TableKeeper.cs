using DhtRpc.Nat;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Routing;

/// <summary>
/// Keeps the routing table: learns from traffic (and our address from what others report),
/// liveness-checks entries, pings the stalest entry of a full row before replacing it, and answers
/// down hints and timeouts. Counts time in node ticks. Used from the node's context only.
/// </summary>
internal sealed class TableKeeper
{
    /// <summary>A peer seen within this many ticks (1 min) counts as recently seen.</summary>
    public const int RecentNode = 12;

    /// <summary>A peer in the table longer than this many ticks (30 min) counts as old.</summary>
    public const int OldNode = 360;

    private readonly List<Ipv4Endpoint> _bootstrapSamples = [];
    private readonly RpcIo _io;
    private readonly Func<Ipv4Endpoint, bool>? _filter;
    private readonly int _bootstrapCount;
    private readonly Func<bool> _bootstrapped;
    private int _repinging;
    private int _checks;

    /// <param name="id">The id the table starts keyed by.</param>
    /// <param name="options">Bucket size, the node filter and the diversity limits.</param>
    /// <param name="io">Sends the liveness pings.</param>
    /// <param name="bootstrapCount">How many bootstrap nodes there are (one address sample each).</param>
    /// <param name="bootstrapped">Whether the node has joined (full rows are only contested after).</param>
    /// <param name="refused">Counts the nodes the diversity limits keep out.</param>
    public TableKeeper(NodeId id, DhtNodeOptions options, RpcIo io, int bootstrapCount, Func<bool> bootstrapped, RefusalStats refused)
    {
        _io = io;
        _filter = options.FilterNode;
        _bootstrapCount = bootstrapCount;
        _bootstrapped = bootstrapped;
        Table = new RoutingTable(id, options.K, options.Limits, refused) { RowFull = OnRowFull };
    }

    /// <summary>Raised when a node enters the table.</summary>
    public event Action<RoutingNode>? NodeAdded;

    /// <summary>Raised when a node leaves the table.</summary>
    public event Action<RoutingNode>? NodeRemoved;

    /// <summary>Raised when our public address estimate changes.</summary>
    public event Action<Ipv4Endpoint?>? NatUpdated;

    public RoutingTable Table { get; private set; }

    /// <summary>The table's entries from least to most recently seen.</summary>
    public TimeOrderedNodes Nodes { get; } = new();

    /// <summary>Our address estimate from what others report seeing.</summary>
    public NatSampler Nat { get; private set; } = new();

    /// <summary>Our public address as the estimate has it; null until known.</summary>
    public Ipv4Endpoint? PublicEndpoint => Nat.Host is { } host ? new Ipv4Endpoint(host, (ushort)Nat.Port) : null;

    /// <summary>The node's tick counter: the unit of every age kept in the entries.</summary>
    public long Tick { get; set; }

    /// <summary>The node's filter: false for addresses it must not talk to.</summary>
    public bool AcceptsPeer(Ipv4Endpoint endpoint) => _filter is not { } filter || filter(endpoint);

    /// <summary>Learns from a validated request or a matched response (spec §5.4).</summary>
    public void AddNodeFromNetwork(bool sample, DhtPeer from, Ipv4Endpoint to)
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
            if (sample && (known.Sampled == 0 || Tick - known.Sampled >= OldNode))
            {
                known.ReportedTo = to;
                known.Sampled = Tick;
                NatAdd(to);
            }

            known.Pinged = known.Seen = Tick;
            if (Nodes.Contains(known))
            {
                Nodes.Add(known);
            }

            return;
        }

        // An address over its share is heard from again and again: refuse it before building an entry.
        if (Table.RefusesNewcomer(id, from.Endpoint.Address))
        {
            return;
        }

        Add(new RoutingNode(id, from.Endpoint) { ReportedTo = to });
    }

    /// <summary>Ephemeral senders (no id) still tell us our address: sample a few of them, at most one per bootstrap node.</summary>
    private void SampleBootstrapMaybe(Ipv4Endpoint from, Ipv4Endpoint to)
    {
        if (_bootstrapSamples.Count >= Math.Max(1, _bootstrapCount) || _bootstrapSamples.Contains(from))
        {
            return;
        }

        _bootstrapSamples.Add(from);
        NatAdd(to);
    }

    public void Add(RoutingNode node)
    {
        if (Nodes.Contains(node) || node.Id == Table.Id)
        {
            return;
        }

        node.Added = node.Pinged = node.Seen = Tick;
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
            node.Sampled = Tick;
            NatAdd(to);
        }

        NodeAdded?.Invoke(node);
    }

    public void Remove(RoutingNode node)
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
        Nat.Add(sample);
        var after = PublicEndpoint;
        if (before != after)
        {
            NatUpdated?.Invoke(after);
        }
    }

    /// <summary>Liveness check: PING; remove the node on failure or if the reply proves nothing new.</summary>
    public void Check(RoutingNode node)
    {
        node.Pinged = Tick;
        var lastSeen = node.Seen;
        _checks++;
        Ping(
            node,
            (_, _) =>
            {
                _checks--;
                if (node.Seen <= lastSeen)
                {
                    Remove(node);
                }
            },
            (_, _) =>
            {
                _checks--;
                Remove(node);
            });
    }

    /// <summary>A newcomer found its row full: ping the stalest entry and replace it if it is gone.</summary>
    private void OnRowFull(RoutingNode newcomer, RoutingRow row)
    {
        if (!_bootstrapped() || _repinging >= 3)
        {
            return;
        }

        RoutingNode? oldest = null;
        foreach (var node in row.Nodes)
        {
            if (node.Pinged == Tick)
            {
                continue;
            }

            if (oldest is null || oldest.Pinged > node.Pinged || (oldest.Pinged == node.Pinged && oldest.Added > node.Added))
            {
                oldest = node;
            }
        }

        if (oldest is null || (Tick - oldest.Pinged < RecentNode && Tick - oldest.Added > OldNode))
        {
            return;
        }

        RepingAndSwap(newcomer, oldest);
    }

    private void RepingAndSwap(RoutingNode newcomer, RoutingNode oldNode)
    {
        var lastSeen = oldNode.Seen;
        oldNode.Pinged = Tick;
        _repinging++;

        void Swap()
        {
            _repinging--;
            Remove(oldNode);
            Add(newcomer);
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
        _io.Send(new DhtPeer(node.Endpoint, null), RequestParams.Internal(Commands.Ping), onResponse, onError);

    /// <summary>A DOWN_HINT named a node: liveness-check it (a few checks at a time).</summary>
    public void OnDownHint(NodeId hinted)
    {
        if (_checks >= 10)
        {
            return;
        }

        var node = Table.Get(hinted);
        if (node is not null && (node.Pinged < Tick || node.DownHints == 0))
        {
            node.DownHints++;
            Check(node);
        }
    }

    /// <summary>A request timed out: a destination addressed as a table node is taken out of the table.</summary>
    public void OnRequestTimeout(OutgoingRequest request)
    {
        if (request.To.Id is { } id && Table.Get(id) is { } node)
        {
            Remove(node);
        }
    }

    /// <summary>Takes the probe's address estimate as ours (bootstrap samples start over).</summary>
    public void AdoptNat(NatSampler sampler)
    {
        var before = PublicEndpoint;
        _bootstrapSamples.Clear();
        Nat = sampler;
        if (before != PublicEndpoint)
        {
            NatUpdated?.Invoke(PublicEndpoint);
        }
    }

    /// <summary>Moves every entry into a table keyed by our new id; entries that no longer fit are dropped.</summary>
    public void Rekey(NodeId id)
    {
        var table = Table.Rekeyed(id, dropped => Nodes.Remove(dropped));
        table.RowFull = OnRowFull;
        Table = table;
    }
}
