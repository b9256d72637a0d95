using DhtRpc.Joining;
using DhtRpc.Nat;
using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Routing;
using DhtRpc.Wire;

namespace DhtRpc;

/// <summary>
/// Joining's events and the state changes it makes: the work itself is done by <see cref="NodeJoin"/>,
/// <see cref="FirewallProbe"/> and <see cref="PersistenceCheck"/>.
/// </summary>
public sealed partial class DhtNode
{
    private readonly OneShotEvent _listening = new();
    private readonly OneShotEvent _ready = new();

    /// <summary>Raised once both sockets are bound. A handler added after that is called at once.</summary>
    public event Action? Listening
    {
        add => _listening.Add(value);
        remove => _listening.Remove(value);
    }

    /// <summary>Raised once the node is fully bootstrapped. A handler added after that is called at once.</summary>
    public event Action? Ready
    {
        add => _ready.Add(value);
        remove => _ready.Remove(value);
    }

    /// <summary>Raised when the node becomes persistent (its id goes on the wire).</summary>
    public event Action? Persistent;

    /// <summary>Raised when an adaptive node drops back to ephemeral (after waking up).</summary>
    public event Action? BecameEphemeral;

    /// <summary>Our current address estimate (replaced when a firewall probe brings a better one).</summary>
    internal NatSampler Nat => _keeper.Nat;

    /// <summary>A FIND_NODE walk that yields to other traffic: low concurrency unless the node is idle.</summary>
#pragma warning disable VSTHRD200 // Returns the query stream object.
    internal DhtQuery BackgroundQuery(NodeId target, bool joining = false)
    {
        _refreshTicks = RefreshTicks;
        var concurrency = Options.Concurrency;
        // Joining is what a new node waits for before it can do anything: it walks at full speed.
        var background = joining ? concurrency : Math.Min(concurrency, Math.Max(2, concurrency / 8));
        var query = new DhtQuery(this, target, isInternal: true, Commands.FindNode, null, new QueryOptions { Concurrency = background });
        query.OnReply += _ => query.Concurrency = Io.InflightCount < 3 ? concurrency : background;
        _ = RunQueryAsync(query);
        return query;
    }
#pragma warning restore VSTHRD200

    /// <summary>Whom a firewall probe asks first: the five most recently seen table nodes.</summary>
    internal List<DhtPeer> FirewallProbeCandidates()
    {
        var nodes = new List<DhtPeer>();
        for (var node = Nodes.Latest; node is not null && nodes.Count < 5; node = TimeOrderedNodes.Older(node))
        {
            nodes.Add(new DhtPeer(node.Endpoint, node.Id));
        }

        return nodes;
    }

    /// <summary>A full network check ran: an adaptive node waits longer before the next one.</summary>
    internal void DeferAdaptiveCheck() => _stableTicks = MoreStableTicks;

    /// <summary>The firewall probe found us reachable: our own requests leave from the server socket.</summary>
    internal void MarkOpen() => Firewalled = Io.Firewalled = false;

    /// <summary>Our id goes on the wire from now on.</summary>
    internal void MarkPersistent() => Ephemeral = Io.Ephemeral = false;

    internal void RaisePersistent() => Persistent?.Invoke();

    /// <summary>Takes the probe's address estimate as ours (bootstrap samples start over).</summary>
    internal void AdoptNat(NatSampler sampler) => _keeper.AdoptNat(sampler);

    /// <summary>Re-keys the routing table to our new id and, once joined, refreshes it.</summary>
    internal void Rekey(NodeId id)
    {
        _keeper.Rekey(id);
        if (Bootstrapped)
        {
            Refresh();
        }
    }
}
