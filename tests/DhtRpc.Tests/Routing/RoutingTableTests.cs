using DhtRpc.Wire;
using DhtRpc.Routing;
using Xunit;

namespace DhtRpc.Tests.Routing;

public sealed class RoutingTableTests
{
    private static readonly NodeId TableId =
        NodeId.Parse("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");

    /// <summary>
    /// An id sharing exactly <paramref name="prefix"/> leading bits with <paramref name="baseId"/>;
    /// <paramref name="variant"/> goes in the last byte (only for prefixes below 248, so it never
    /// touches the shared bits).
    /// </summary>
    private static NodeId WithPrefix(NodeId baseId, int prefix, byte variant = 0)
    {
        var bytes = baseId.ToArray();
        bytes[prefix / 8] ^= (byte)(0x80 >> (prefix % 8));
        if (prefix < 248)
        {
            bytes[31] = variant;
        }

        return NodeId.Read(bytes);
    }

    private static RoutingNode Node(NodeId id, int port = 1000) => new(id, Ipv4Endpoint.Loopback(port));

    private static NodeId RandomId(Random rng)
    {
        var bytes = new byte[NodeId.Size];
        rng.NextBytes(bytes);
        return NodeId.Read(bytes);
    }

    /// <summary>Row indexes of the nodes <see cref="RoutingTable.Closest(in NodeId, int)"/> returns, space-separated.</summary>
    private static string Rows(RoutingTable table, NodeId target, int count) =>
        string.Join(' ', table.Closest(target, count).Select(n => table.RowIndexOf(n.Id)));

    private static int CompareBytes(NodeId a, NodeId b) => a.ToArray().AsSpan().SequenceCompareTo(b.ToArray());

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(129)]
    [InlineData(200)]
    [InlineData(254)]
    [InlineData(255)]
    public void NodeGoesToTheRowOfItsCommonPrefixLength(int prefix)
    {
        var table = new RoutingTable(TableId);
        var node = Node(WithPrefix(TableId, prefix, 7));

        Assert.True(table.Add(node));

        Assert.Equal(prefix, table.RowIndexOf(node.Id));
        var row = table.GetRow(prefix);
        Assert.NotNull(row);
        Assert.Equal(prefix, row.Index);
        Assert.Same(node, row[0]);
        Assert.Same(node, table.Get(node.Id));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void OwnIdMapsToTheLastRow()
    {
        var table = new RoutingTable(TableId);

        Assert.Equal(255, table.RowIndexOf(TableId));
        Assert.True(table.Add(Node(TableId)));
        Assert.Equal(1, table.GetRow(255)!.Count);
    }

    [Fact]
    public void RowsAreKeptSortedById()
    {
        var rng = new Random(7);
        var table = new RoutingTable(TableId);
        var ids = new List<NodeId>();
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[NodeId.Size];
            rng.NextBytes(bytes);
            bytes[0] |= 0x80; // the table id starts with a 0 bit: row 0
            var id = NodeId.Read(bytes);
            ids.Add(id);
            Assert.True(table.Add(Node(id)));
        }

        var row = table.GetRow(0)!;
        Assert.Equal(20, row.Count);
        ids.Sort(CompareBytes);
        var stored = row.Nodes.ToArray().Select(n => n.Id).ToList();
        Assert.Equal(ids, stored);
    }

    [Fact]
    public void ReAddingAnIdReplacesTheEntry()
    {
        var table = new RoutingTable(TableId);
        var id = WithPrefix(TableId, 3, 1);
        var first = Node(id, 1000);
        var second = Node(id, 2000);

        Assert.True(table.Add(first));
        Assert.True(table.Add(Node(WithPrefix(TableId, 3, 2))));
        Assert.True(table.Add(second));

        Assert.Equal(2, table.Count);
        Assert.Same(second, table.Get(id));
        Assert.Same(second, table.GetRow(3)![0]);
    }

    [Fact]
    public void FullRowRejectsNewcomerAndInvokesCallback()
    {
        var table = new RoutingTable(TableId, k: 3);
        var calls = new List<(RoutingNode Newcomer, RoutingRow Row)>();
        table.RowFull = (newcomer, row) => calls.Add((newcomer, row));

        for (byte v = 1; v <= 3; v++)
        {
            Assert.True(table.Add(Node(WithPrefix(TableId, 5, v))));
        }

        Assert.Empty(calls);

        var newcomer = Node(WithPrefix(TableId, 5, 9));
        Assert.False(table.Add(newcomer));

        var call = Assert.Single(calls);
        Assert.Same(newcomer, call.Newcomer);
        Assert.Equal(5, call.Row.Index);
        Assert.True(call.Row.IsFull);
        Assert.Equal(3, call.Row.Count);
        Assert.Null(table.Get(newcomer.Id));
        Assert.Equal(3, table.Count);

        // An id already present still replaces its entry in a full row, without the callback.
        var replacement = Node(WithPrefix(TableId, 5, 2), 4242);
        Assert.True(table.Add(replacement));
        Assert.Single(calls);
        Assert.Same(replacement, table.Get(replacement.Id));

        // Other rows are unaffected.
        Assert.True(table.Add(Node(WithPrefix(TableId, 6, 1))));
        Assert.Equal(4, table.Count);
    }

    [Fact]
    public void ClosestWalksRowsDownFromTheTargetRowThenUp()
    {
        var table = new RoutingTable(TableId);
        var rows = new[] { 0, 1, 2, 3, 5, 200 };
        foreach (var r in rows)
        {
            // Added in descending variant order so the table has to sort them.
            table.Add(Node(WithPrefix(TableId, r, 0x20)));
            table.Add(Node(WithPrefix(TableId, r, 0x10)));
        }

        // Target in row 2: rows 2, 1, 0, then 3, 5, 200; each row in id order.
        var target = WithPrefix(TableId, 2, 0xFF);
        var expected = new List<NodeId>();
        foreach (var r in new[] { 2, 1, 0, 3, 5, 200 })
        {
            var row = table.GetRow(r)!;
            expected.Add(row[0].Id);
            expected.Add(row[1].Id);
            Assert.True(row[0].Id < row[1].Id);
        }

        var all = table.Closest(target, 100);
        Assert.Equal(expected, all.Select(n => n.Id));

        // The count cuts in the middle of a row.
        var five = table.Closest(target, 5);
        Assert.Equal(expected.Take(5), five.Select(n => n.Id));

        // A target in an empty row (4) starts at the next non-empty row below it.
        Assert.Equal("3 3 2 2 1 1 0 0 5 5 200 200", Rows(table, WithPrefix(TableId, 4, 0), 12));

        // Our own id: row 255 downward.
        Assert.Equal("200 200 5 5 3 3 2 2 1 1 0 0", Rows(table, TableId, 12));
        var last = Node(WithPrefix(TableId, 255));
        table.Add(last);
        Assert.Same(last, table.Closest(TableId, 1)[0]);
        Assert.Equal("200 200 5 5 3 3 2 2 1 1 0 0 255", Rows(table, WithPrefix(TableId, 200, 0), 13));

        // Row 0 target: row 0 first, then upward.
        Assert.Equal("0 0 1 1 2 2 3 3 5 5 200 200 255", Rows(table, WithPrefix(TableId, 0, 0), 13));
    }

    [Fact]
    public void ClosestIsNotAnXorSort()
    {
        // Within a row the order is by id, not by distance to the target.
        var table = new RoutingTable(TableId);
        var low = Node(WithPrefix(TableId, 0, 0x01));
        var high = Node(WithPrefix(TableId, 0, 0xFE));
        table.Add(high);
        table.Add(low);

        var target = WithPrefix(TableId, 0, 0xFF);
        Assert.True(target.CompareDistance(high.Id, low.Id) < 0);
        Assert.Equal(new[] { low, high }, table.Closest(target, 2));
    }

    [Fact]
    public void ClosestAppendsToTheCallersList()
    {
        var table = new RoutingTable(TableId);
        var a = Node(WithPrefix(TableId, 10, 1));
        var b = Node(WithPrefix(TableId, 11, 1));
        table.Add(a);
        table.Add(b);
        var marker = Node(WithPrefix(TableId, 200, 1));
        var into = new List<RoutingNode> { marker };

        Assert.Equal(2, table.Closest(WithPrefix(TableId, 11, 5), 20, into));
        Assert.Equal(new[] { marker, b, a }, into);

        Assert.Equal(1, table.Closest(WithPrefix(TableId, 11, 5), 1, into));
        Assert.Equal(4, into.Count);
        Assert.Equal(0, table.Closest(TableId, 0, into));
        Assert.Empty(new RoutingTable(TableId).Closest(TableId, 20));
    }

    [Fact]
    public void RemoveDeletesOnlyThatId()
    {
        var table = new RoutingTable(TableId);
        var nodes = new List<RoutingNode>();
        for (byte v = 1; v <= 5; v++)
        {
            var node = Node(WithPrefix(TableId, 9, (byte)(v * 10)));
            nodes.Add(node);
            table.Add(node);
        }

        Assert.True(table.Remove(nodes[2].Id));
        Assert.False(table.Remove(nodes[2].Id));
        Assert.False(table.Remove(WithPrefix(TableId, 40, 1)));
        Assert.Equal(4, table.Count);
        Assert.Null(table.Get(nodes[2].Id));
        Assert.Equal(new[] { nodes[0], nodes[1], nodes[3], nodes[4] }, table.GetRow(9)!.Nodes.ToArray());

        Assert.True(table.Remove(nodes[0].Id));
        Assert.True(table.Remove(nodes[4].Id));
        Assert.Equal(new[] { nodes[1], nodes[3] }, table.GetRow(9)!.Nodes.ToArray());
        Assert.Equal(new[] { nodes[1], nodes[3] }, table.ToList());
    }

    [Fact]
    public void RemovingFromAFullRowMakesRoomAgain()
    {
        var table = new RoutingTable(TableId, k: 2);
        var a = Node(WithPrefix(TableId, 1, 1));
        table.Add(a);
        table.Add(Node(WithPrefix(TableId, 1, 2)));
        var c = Node(WithPrefix(TableId, 1, 3));

        Assert.False(table.Add(c));
        Assert.True(table.Remove(a.Id));
        Assert.True(table.Add(c));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void RandomPicksEveryNode()
    {
        var table = new RoutingTable(TableId);
        Assert.Null(table.Random(new Random(1)));

        var rng = new Random(3);
        var stored = new HashSet<RoutingNode>();
        for (var i = 0; i < 50; i++)
        {
            var node = Node(WithPrefix(TableId, rng.Next(0, 40), (byte)i));
            Assert.True(table.Add(node));
            stored.Add(node);
        }

        var seen = new Dictionary<RoutingNode, int>();
        var picker = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var node = table.Random(picker)!;
            Assert.Contains(node, stored);
            seen[node] = seen.GetValueOrDefault(node) + 1;
        }

        Assert.Equal(stored.Count, seen.Count);
        Assert.All(seen.Values, hits => Assert.InRange(hits, 40, 200)); // about 100 each
    }

    [Fact]
    public void ToListGoesRowByRow()
    {
        var table = new RoutingTable(TableId);
        var r7 = Node(WithPrefix(TableId, 7, 1));
        var r2b = Node(WithPrefix(TableId, 2, 9));
        var r2a = Node(WithPrefix(TableId, 2, 3));
        table.Add(r7);
        table.Add(r2b);
        table.Add(r2a);

        Assert.Equal(new[] { r2a, r2b, r7 }, table.ToList());
    }

    [Fact]
    public void TenThousandRandomNodes()
    {
        var rng = new Random(2024);
        var id = RandomId(rng);
        var table = new RoutingTable(id);
        var rejected = 0;
        table.RowFull = (_, _) => rejected++;

        var perRow = new int[RoutingTable.RowCount];
        var accepted = new List<RoutingNode>();
        for (var i = 0; i < 10_000; i++)
        {
            var node = Node(RandomId(rng), 1 + (i % 60000));
            var row = table.RowIndexOf(node.Id);
            var ok = table.Add(node);
            Assert.Equal(perRow[row] < table.K, ok);
            if (ok)
            {
                perRow[row]++;
                accepted.Add(node);
            }
        }

        Assert.Equal(accepted.Count, table.Count);
        Assert.Equal(10_000 - accepted.Count, rejected);
        Assert.InRange(table.Count, 150, 260);
        for (var r = 0; r < RoutingTable.RowCount; r++)
        {
            var row = table.GetRow(r);
            Assert.Equal(perRow[r], row?.Count ?? 0);
            if (row is null)
            {
                continue;
            }

            Assert.InRange(row.Count, 0, table.K);
            for (var j = 1; j < row.Count; j++)
            {
                Assert.True(CompareBytes(row[j - 1].Id, row[j].Id) < 0);
            }
        }

        foreach (var node in accepted)
        {
            Assert.Same(node, table.Get(node.Id));
        }

        var everything = table.Closest(RandomId(rng), int.MaxValue);
        Assert.Equal(table.Count, everything.Count);
        Assert.Equal(table.Count, everything.Distinct().Count());

        var closest = table.Closest(RandomId(rng), 20);
        Assert.Equal(20, closest.Count);
        Assert.Equal(20, closest.Distinct().Count());
    }
}
