using DhtRpc.Wire;

namespace DhtRpc.Cli.Simulate;

/// <summary>The experiment's ids sorted by their leading 64 bits, to count and list the ids of a routing row.</summary>
internal sealed class IdSpace
{
    /// <summary>Rows looked at: deeper rows are empty below 2^60 nodes or so.</summary>
    public const int Rows = 64;

    private readonly ulong[] _own;
    private readonly ulong[] _sorted;
    private readonly int[] _order;
    private readonly NodeId[] _ids;

    public IdSpace(IReadOnlyList<DhtNode> nodes)
    {
        _ids = nodes.Select(n => n.Id!.Value).ToArray();
        _own = _ids.Select(Top).ToArray();
        _sorted = (ulong[])_own.Clone();
        _order = Enumerable.Range(0, _ids.Length).ToArray();
        Array.Sort(_sorted, _order);
    }

    /// <summary>Positions (for <see cref="NodeAt"/>) of the ids sharing exactly <paramref name="row"/> leading bits with node <paramref name="node"/>.</summary>
    public (int Start, int Length) RowRange(int node, int row)
    {
        var top = _own[node];
        var bit = 1UL << (63 - row);
        var keep = row == 0 ? 0UL : ~0UL << (64 - row);
        var low = (top & keep) | (~top & bit);
        var high = low | (bit - 1);
        var start = LowerBound(low);
        var end = high == ulong.MaxValue ? _sorted.Length : LowerBound(high + 1);
        return (start, end - start);
    }

    public int NodeAt(int position) => _order[position];

    public NodeId IdAt(int position) => _ids[_order[position]];

    private static ulong Top(NodeId id)
    {
        Span<byte> bytes = stackalloc byte[NodeId.Size];
        id.WriteTo(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private int LowerBound(ulong value)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
