using DhtRpc.Routing;
using DhtRpc.Wire;

namespace DhtRpc.Cli.Simulate;

/// <summary>
/// One node's routing-table membership and row counts, kept from a snapshot and the node's NodeAdded and
/// NodeRemoved events while attached; used on the node's loop thread only.
/// </summary>
internal sealed class TableMirror
{
    private readonly HashSet<NodeId> _ids = [];
    private readonly int[] _rows = new int[IdSpace.Rows];
    private DhtNode? _node;

    public async Task AttachAsync(DhtNode node)
    {
        Detach();
        _ids.Clear();
        Array.Clear(_rows);
        _node = node;
        node.NodeAdded += OnAdded;
        node.NodeRemoved += OnRemoved;
        foreach (var entry in await node.GetRoutingTableAsync().ConfigureAwait(true))
        {
            OnAdded(entry);
        }
    }

    public void Detach()
    {
        if (_node is { } node)
        {
            node.NodeAdded -= OnAdded;
            node.NodeRemoved -= OnRemoved;
            _node = null;
        }
    }

    public int RowCount(int row) => _rows[row];

    public bool Contains(NodeId id) => _ids.Contains(id);

    private void OnAdded(RoutingNode entry)
    {
        if (_ids.Add(entry.Id))
        {
            Count(entry.Id, 1);
        }
    }

    private void OnRemoved(RoutingNode entry)
    {
        if (_ids.Remove(entry.Id))
        {
            Count(entry.Id, -1);
        }
    }

    private void Count(NodeId id, int delta)
    {
        var row = _node!.TableId.CommonPrefixLength(id);
        if (row < _rows.Length)
        {
            _rows[row] += delta;
        }
    }
}
