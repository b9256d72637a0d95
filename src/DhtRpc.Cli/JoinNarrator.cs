using System.Globalization;

namespace DhtRpc.Cli;

/// <summary>Tells, in plain words, what the node is doing while it joins.</summary>
internal sealed class JoinNarrator(TextWriter output)
{
    private readonly Lock _gate = new();
    private int _tableSize;
    private bool _bucketsExplained;
    private bool _ready;

    public void Line(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
        }
    }

    public void Watch(DhtNode node)
    {
        node.Listening += () => Line($"Listening: requests reach us at {node.ServerEndpoint}; our own requests leave from {node.ClientEndpoint} until we know we are reachable.");
        node.NatUpdated += seen => Line(seen is { } s
            ? $"Other nodes see us at {s}: that is our address as the network knows it (behind a home router it would differ from our local one)."
            : "The nodes we asked disagree about our address; we will ask again.");
        node.NodeAdded += added => OnNodeAdded(node, added);
        node.NodeRemoved += removed => Line($"Routing table: dropped {removed.Endpoint} (it stopped answering).");
        node.Persistent += () => Line($"We are now persistent: our id is hash(our address) = {Ui.Short(node.TableId.ToString(), 16)}, and other nodes will keep us in their routing tables. The table was re-sorted into buckets around this new id.");
    }

    public void Ready(DhtNode node, IReadOnlyList<Routing.RoutingNode> table)
    {
        _ready = true;
        Line(node.Firewalled
            ? "Firewall test: nodes we asked to ping us back could not reach our server port, so we behave as a firewalled node (we ask, but nobody stores us)."
            : "Firewall test: other nodes pinged our server port and got through, so we are reachable and can serve requests.");
        Line($"Joined: {table.Count} nodes in the routing table, grouped by how many leading bits their id shares with ours:");
        foreach (var bucket in table.GroupBy(n => node.TableId.CommonPrefixLength(n.Id)).OrderBy(g => g.Key))
        {
            Line($"  bucket {bucket.Key,3}: {bucket.Count(),2} node(s)  {string.Join(" ", bucket.Select(n => n.Endpoint.ToString()))}");
        }
    }

    /// <summary>One line for a node of a network as it finishes joining.</summary>
    public void Joined(int index, DhtNode node)
    {
        _ready = _ready || index == 0;
        Line(string.Create(CultureInfo.InvariantCulture, $"node {index} joined at {node.ServerEndpoint}: {(node.Id is { } id ? "persistent, id " + Ui.Short(id.ToString(), 16) : "ephemeral")}."));
    }

    private void OnNodeAdded(DhtNode node, Routing.RoutingNode added)
    {
        var size = Interlocked.Increment(ref _tableSize);
        if (_ready)
        {
            return;
        }

        var bucket = node.TableId.CommonPrefixLength(added.Id);
        if (!_bucketsExplained)
        {
            _bucketsExplained = true;
            Line("Routing table: each node we learn about goes into a bucket numbered by how many leading bits its id shares with ours (bucket 0 = the far half of the network, higher = closer to us).");
        }

        Line($"Routing table: added {added.Endpoint} (id {Ui.Short(added.Id.ToString())}) to bucket {bucket}; {size} known so far.");
    }
}
