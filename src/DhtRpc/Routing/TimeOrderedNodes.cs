namespace DhtRpc.Routing;

/// <summary>
/// The routing-table entries ordered by when we last heard from them: oldest first, latest last.
/// An intrusive doubly linked list, so add, move-to-latest and remove are O(1) without allocation.
/// </summary>
internal sealed class TimeOrderedNodes
{
    public RoutingNode? Oldest { get; private set; }

    public RoutingNode? Latest { get; private set; }

    public int Count { get; private set; }

    public bool Contains(RoutingNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.List == this;
    }

    /// <summary>Appends the node as the latest, moving it there if it is already in the list.</summary>
    public void Add(RoutingNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.List == this)
        {
            if (Latest == node)
            {
                return;
            }

            Unlink(node);
        }
        else if (node.List is not null)
        {
            throw new InvalidOperationException("The node belongs to another list.");
        }

        node.List = this;
        node.Previous = Latest;
        node.Next = null;
        if (Latest is null)
        {
            Oldest = node;
        }
        else
        {
            Latest.Next = node;
        }

        Latest = node;
        Count++;
    }

    public bool Remove(RoutingNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.List != this)
        {
            return false;
        }

        Unlink(node);
        node.List = null;
        node.Previous = null;
        node.Next = null;
        return true;
    }

    /// <summary>The entry heard from just after <paramref name="node"/> (toward the latest).</summary>
    public static RoutingNode? Newer(RoutingNode node) => node?.Next;

    /// <summary>The entry heard from just before <paramref name="node"/> (toward the oldest).</summary>
    public static RoutingNode? Older(RoutingNode node) => node?.Previous;

    /// <summary>Entries from latest to oldest, at most <paramref name="limit"/> of them.</summary>
    public List<RoutingNode> ToListLatestFirst(int limit = int.MaxValue)
    {
        var result = new List<RoutingNode>(Math.Min(limit, Count));
        for (var node = Latest; node is not null && result.Count < limit; node = node.Previous)
        {
            result.Add(node);
        }

        return result;
    }

    private void Unlink(RoutingNode node)
    {
        if (node.Previous is null)
        {
            Oldest = node.Next;
        }
        else
        {
            node.Previous.Next = node.Next;
        }

        if (node.Next is null)
        {
            Latest = node.Previous;
        }
        else
        {
            node.Next.Previous = node.Previous;
        }

        Count--;
    }
}
