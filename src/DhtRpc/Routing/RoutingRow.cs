using DhtRpc.Wire;

namespace DhtRpc.Routing;

/// <summary>
/// One row ("bucket") of the routing table: the nodes sharing exactly <see cref="Index"/> leading
/// bits with the table id, at most k of them, kept sorted by id (lexicographic byte order).
/// </summary>
internal sealed class RoutingRow
{
    private readonly RoutingNode[] _nodes;

    internal RoutingRow(int index, int capacity)
    {
        Index = index;
        _nodes = new RoutingNode[capacity];
    }

    /// <summary>Common-prefix length with the table id shared by every node of this row.</summary>
    public int Index { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == _nodes.Length;

    /// <summary>The row's nodes in id order. Only valid until the table is next modified.</summary>
    public ReadOnlySpan<RoutingNode> Nodes => new(_nodes, 0, Count);

    public RoutingNode this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _nodes[index];
        }
    }

    public RoutingNode? Get(in NodeId id)
    {
        var i = Find(id);
        return i >= 0 ? _nodes[i] : null;
    }

    /// <summary>Index of the node with this id, or the bitwise complement of its insertion point.</summary>
    internal int Find(in NodeId id)
    {
        var lo = 0;
        var hi = Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = id.CompareTo(_nodes[mid].Id);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return ~lo;
    }

    internal void Replace(int index, RoutingNode node) => _nodes[index] = node;

    internal void Insert(int index, RoutingNode node)
    {
        if (index < Count)
        {
            Array.Copy(_nodes, index, _nodes, index + 1, Count - index);
        }

        _nodes[index] = node;
        Count++;
    }

    internal void RemoveAt(int index)
    {
        Count--;
        if (index < Count)
        {
            Array.Copy(_nodes, index + 1, _nodes, index, Count - index);
        }

        _nodes[Count] = null!;
    }

    /// <summary>Appends up to <paramref name="max"/> nodes in row order; returns how many.</summary>
    internal int CopyTo(List<RoutingNode> into, int max)
    {
        var n = Math.Min(max, Count);
        for (var i = 0; i < n; i++)
        {
            into.Add(_nodes[i]);
        }

        return n;
    }
}
