using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>The k closest successful replies of a walk (from nodes with ids), closest to the target first.</summary>
internal sealed class ClosestReplies
{
    private readonly NodeId _target;
    private readonly int _k;

    public ClosestReplies(NodeId target, int k)
    {
        _target = target;
        _k = k;
    }

    /// <summary>The replies, closest first (at most k).</summary>
    public List<DhtResponse> Items { get; } = [];

    public int Count => Items.Count;

    /// <summary>True while the list has room or <paramref name="id"/> is closer than its farthest entry.</summary>
    public bool IsCloser(in NodeId id) =>
        Items.Count < _k || _target.CompareDistance(id, Items[^1].From.Id!.Value) < 0;

    /// <summary>Inserts <paramref name="reply"/> in distance order, replacing a reply from the same id, and keeps k.</summary>
    public void Push(DhtResponse reply)
    {
        var items = Items;
        var id = reply.From.Id!.Value;
        items.Add(reply);
        for (var i = items.Count - 2; i >= 0; i--)
        {
            var previous = items[i];
            var cmp = _target.CompareDistance(previous.From.Id!.Value, id);
            if (cmp < 0)
            {
                break;
            }

            if (cmp == 0)
            {
                items.RemoveAt(i + 1);
                break;
            }

            items[i + 1] = previous;
            items[i] = reply;
        }

        if (items.Count > _k)
        {
            items.RemoveAt(items.Count - 1);
        }
    }
}
