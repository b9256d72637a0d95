using DhtRpc.Limits;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Routing;

/// <summary>
/// Kademlia routing table: 256 rows indexed by the common-prefix length of a node id with the table
/// id, each holding at most k nodes sorted by id. <see cref="Closest(in NodeId, int, List{RoutingNode})"/>
/// reproduces the row walk of the reference implementation, which decides the closerNodes bytes.
/// With limits, one IP or /24 holds at most its share of a row and of the table (see <see cref="DiversityLimits"/>).
/// </summary>
internal sealed class RoutingTable
{
    public const int RowCount = NodeId.Size * 8;

    private readonly RoutingRow?[] _rows = new RoutingRow?[RowCount];

    /// <param name="id">The id rows are counted from.</param>
    /// <param name="k">Nodes per row.</param>
    /// <param name="limits">Diversity shares; null lets any address hold any number of entries (dht-rpc).</param>
    /// <param name="refused">Counts the entries the shares kept out.</param>
    public RoutingTable(NodeId id, int k = 20, NodeLimits? limits = null, RefusalStats? refused = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Id = id;
        K = k;
        Diversity = limits is null ? null : new TableDiversity(limits, refused);
    }

    public NodeId Id { get; }

    /// <summary>Maximum number of nodes per row.</summary>
    public int K { get; }

    /// <summary>Number of nodes in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Entries per IP and /24, kept in step with every add and remove; null without limits.</summary>
    public TableDiversity? Diversity { get; }

    /// <summary>
    /// Called when <see cref="Add"/> rejects a newcomer because its row is full (the newcomer is
    /// not stored). The row is the table's live row.
    /// </summary>
    public Action<RoutingNode, RoutingRow>? RowFull { get; set; }

    /// <summary>Row index of an id: its common-prefix length with the table id (own id → 255).</summary>
    public int RowIndexOf(in NodeId id) => Math.Min(Id.CommonPrefixLength(id), RowCount - 1);

    /// <summary>The row at <paramref name="index"/>, or null while it has never held a node.</summary>
    public RoutingRow? GetRow(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, RowCount);
        return _rows[index];
    }

    /// <summary>
    /// Stores the node, replacing any entry with the same id. Returns false when its IP or /24 already
    /// holds its share of the row or the table (counted, and <see cref="RowFull"/> is not invoked: an
    /// address over its share never costs a liveness ping), or, invoking <see cref="RowFull"/>, when the
    /// id is new and its row already holds k nodes.
    /// </summary>
    public bool Add(RoutingNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var id = node.Id;
        var index = RowIndexOf(id);
        var row = _rows[index] ??= new RoutingRow(index, K);
        var i = row.Find(id);
        if (i >= 0)
        {
            return Replace(row, i, node);
        }

        var address = node.Endpoint.Address;
        if (Refuses(index, address))
        {
            return false;
        }

        if (row.IsFull)
        {
            RowFull?.Invoke(node, row);
            return false;
        }

        row.Insert(~i, node);
        Diversity?.Added(index, address);
        Count++;
        return true;
    }

    /// <summary>
    /// True (and counted) when a node with a new id at <paramref name="address"/> would be over its
    /// share: lets the caller skip building an entry the table would refuse.
    /// </summary>
    public bool RefusesNewcomer(in NodeId id, uint address) => Refuses(RowIndexOf(id), address);

    private bool Refuses(int row, uint address)
    {
        if (Diversity is not { } diversity)
        {
            return false;
        }

        var verdict = diversity.Check(row, address);
        if (verdict == DiversityVerdict.Fits)
        {
            return false;
        }

        diversity.CountRefusal(verdict);
        return true;
    }

    // The same id at another address (only a table fed ids that are not address hashes) moves its count.
    private bool Replace(RoutingRow row, int i, RoutingNode node)
    {
        var before = row[i].Endpoint.Address;
        var after = node.Endpoint.Address;
        if (Diversity is { } diversity && before != after)
        {
            diversity.Removed(row.Index, before);
            if (Refuses(row.Index, after))
            {
                diversity.Added(row.Index, before);
                return false;
            }

            diversity.Added(row.Index, after);
        }

        row.Replace(i, node);
        return true;
    }

    public RoutingNode? Get(in NodeId id) => _rows[RowIndexOf(id)]?.Get(id);

    public bool Contains(in NodeId id) => Get(id) is not null;

    public bool Remove(in NodeId id)
    {
        var row = _rows[RowIndexOf(id)];
        if (row is null)
        {
            return false;
        }

        var i = row.Find(id);
        if (i < 0)
        {
            return false;
        }

        Diversity?.Removed(row.Index, row[i].Endpoint.Address);
        row.RemoveAt(i);
        Count--;
        return true;
    }

    /// <summary>A node picked uniformly among all stored nodes, or null when the table is empty.</summary>
    public RoutingNode? Random(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (Count == 0)
        {
            return null;
        }

#pragma warning disable CA5394 // Peer selection for maintenance traffic, not a security decision.
        var n = rng.Next(Count);
#pragma warning restore CA5394
        foreach (var row in _rows)
        {
            if (row is null)
            {
                continue;
            }

            if (n < row.Count)
            {
                return row[n];
            }

            n -= row.Count;
        }

        return null;
    }

    /// <summary>
    /// A table keyed by <paramref name="id"/> (with the same limits) holding every entry of this one
    /// that fits there, rows and shares counted afresh; <paramref name="dropped"/> hears of the others
    /// (and of an entry with that very id).
    /// </summary>
    public RoutingTable Rekeyed(NodeId id, Action<RoutingNode> dropped)
    {
        var table = new RoutingTable(id, K, Diversity?.Limits, Diversity?.Refused);
        foreach (var node in ToList())
        {
            if (node.Id == id || !table.Add(node))
            {
                dropped(node);
            }
        }

        return table;
    }

    /// <summary>All nodes, row 0 first, each row in id order.</summary>
    public IReadOnlyList<RoutingNode> ToList()
    {
        var result = new List<RoutingNode>(Count);
        foreach (var row in _rows)
        {
            row?.CopyTo(result, int.MaxValue);
        }

        return result;
    }

    /// <summary>
    /// Appends to <paramref name="into"/> up to <paramref name="count"/> nodes near
    /// <paramref name="target"/>, in the reference order: with d the row index of the target, rows
    /// d, d−1, …, 0, then d+1, …, 255, each row in id order. Returns the number appended.
    /// </summary>
    public int Closest(in NodeId target, int count, List<RoutingNode> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (count <= 0 || Count == 0)
        {
            return 0;
        }

        var d = RowIndexOf(target);
        var added = 0;
        for (var i = d; i >= 0 && added < count; i--)
        {
            var row = _rows[i];
            if (row is not null)
            {
                added += row.CopyTo(into, count - added);
            }
        }

        for (var i = d + 1; i < RowCount && added < count; i++)
        {
            var row = _rows[i];
            if (row is not null)
            {
                added += row.CopyTo(into, count - added);
            }
        }

        return added;
    }

    /// <summary>Up to <paramref name="count"/> nodes near <paramref name="target"/> in a new list (see the other overload).</summary>
    public List<RoutingNode> Closest(in NodeId target, int count)
    {
        var result = new List<RoutingNode>(Math.Clamp(count, 0, Count));
        Closest(target, count, result);
        return result;
    }
}
