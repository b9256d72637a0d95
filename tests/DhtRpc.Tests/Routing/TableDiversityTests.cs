using DhtRpc.Limits;
using DhtRpc.Routing;
using DhtRpc.Rpc;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Routing;

/// <summary>The routing table's diversity shares: per row and per table, per IP and per /24.</summary>
public sealed class TableDiversityTests
{
    private static readonly NodeId TableId =
        NodeId.Parse("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");

    private const uint Public = 0x2C010200; // 44.1.2.0/24

    private static readonly NodeLimits Defaults = new();

    /// <summary>An id in row <paramref name="row"/> of <see cref="TableId"/>, told apart by <paramref name="variant"/>.</summary>
    private static NodeId InRow(int row, byte variant)
    {
        var bytes = TableId.ToArray();
        bytes[row / 8] ^= (byte)(0x80 >> (row % 8));
        bytes[31] = variant;
        return NodeId.Read(bytes);
    }

    private static RoutingNode Node(int row, byte variant, uint address, ushort port = 1000) =>
        new(InRow(row, variant), new Ipv4Endpoint(address, port));

    private static RoutingTable Table(NodeLimits? limits, RefusalStats? refused = null) => new(TableId, 20, limits, refused);

    [Fact]
    public void One_ip_holds_one_entry_per_row_and_the_refusal_is_counted_without_a_row_full_ping()
    {
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);
        var rowFull = 0;
        table.RowFull = (_, _) => rowFull++;

        Assert.True(table.Add(Node(10, 1, Public + 1, 1000)));
        Assert.False(table.Add(Node(10, 2, Public + 1, 1001)));

        Assert.Equal(1, table.Count);
        Assert.Equal(1, refused.TableEntriesOverIpShare);
        Assert.Equal(0, refused.TableEntriesOverSubnetShare);
        Assert.Equal(1, refused.Total);
        Assert.Equal(0, rowFull);

        // Another row is another share.
        Assert.True(table.Add(Node(11, 2, Public + 1, 1001)));
    }

    [Fact]
    public void One_subnet_holds_two_entries_per_row()
    {
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);

        Assert.True(table.Add(Node(10, 1, Public + 1)));
        Assert.True(table.Add(Node(10, 2, Public + 2)));
        Assert.False(table.Add(Node(10, 3, Public + 3)));
        Assert.True(table.Add(Node(10, 4, Public + 256 + 3)));

        Assert.Equal(3, table.Count);
        Assert.Equal(1, refused.TableEntriesOverSubnetShare);
        Assert.Equal(0, refused.TableEntriesOverIpShare);
    }

    [Fact]
    public void One_ip_holds_three_entries_and_one_subnet_six_in_the_whole_table()
    {
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);
        for (var row = 0; row < 3; row++)
        {
            Assert.True(table.Add(Node(row, 1, Public + 1, (ushort)(1000 + row))));
        }

        Assert.False(table.Add(Node(3, 1, Public + 1, 1003)));
        Assert.Equal(1, refused.TableEntriesOverIpShare);

        // Three more hosts of the /24 bring it to six; the seventh is refused in any row.
        for (var row = 3; row < 6; row++)
        {
            Assert.True(table.Add(Node(row, 2, Public + (uint)row)));
        }

        Assert.False(table.Add(Node(6, 2, Public + 6)));
        Assert.False(table.Add(Node(200, 2, Public + 7)));
        Assert.Equal(2, refused.TableEntriesOverSubnetShare);
        Assert.Equal(6, table.Count);
        Assert.Equal(6, table.Diversity!.SubnetInTable(Public + 9));
        Assert.Equal(3, table.Diversity.InTable(Public + 1));
    }

    [Fact]
    public void Custom_shares_are_honoured()
    {
        var limits = new NodeLimits { Diversity = new DiversityLimits { PerIpInRow = 2, PerIpInTable = 2 } };
        var table = Table(limits);

        Assert.True(table.Add(Node(10, 1, Public + 1, 1000)));
        Assert.True(table.Add(Node(10, 2, Public + 1, 1001)));
        Assert.False(table.Add(Node(11, 3, Public + 1, 1002)));
    }

    [Theory]
    [InlineData(0x7F000001u)] // 127.0.0.1
    [InlineData(0x0A000001u)] // 10.0.0.1
    [InlineData(0xAC100001u)] // 172.16.0.1
    [InlineData(0xC0A80001u)] // 192.168.0.1
    [InlineData(0xA9FE0001u)] // 169.254.0.1
    public void Local_addresses_are_spared_by_default(uint address)
    {
        var table = Table(Defaults);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(table.Add(Node(10, (byte)i, address, (ushort)(1000 + i))));
        }

        Assert.Equal(20, table.Count);
        Assert.Equal(0, table.Diversity!.InTable(address));
    }

    [Fact]
    public void Apply_to_local_addresses_limits_loopback_too()
    {
        var refused = new RefusalStats();
        var table = Table(new NodeLimits { ApplyToLocalAddresses = true }, refused);

        Assert.True(table.Add(Node(10, 1, 0x7F000001, 1000)));
        Assert.False(table.Add(Node(10, 2, 0x7F000001, 1001)));
        Assert.True(table.Add(Node(10, 3, 0x7F000002, 1001)));
        Assert.False(table.Add(Node(10, 4, 0x7F000003, 1001)));

        Assert.Equal(1, refused.TableEntriesOverIpShare);
        Assert.Equal(1, refused.TableEntriesOverSubnetShare);
    }

    [Fact]
    public void Without_limits_one_ip_may_fill_a_row()
    {
        var table = Table(null);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(table.Add(Node(10, (byte)i, Public + 1, (ushort)(1000 + i))));
        }

        Assert.Null(table.Diversity);
        Assert.Equal(20, table.Count);
    }

    [Fact]
    public void Removing_an_entry_gives_its_share_back()
    {
        var table = Table(Defaults);
        var first = Node(10, 1, Public + 1, 1000);
        var second = Node(10, 2, Public + 1, 1001);
        Assert.True(table.Add(first));
        Assert.False(table.Add(second));

        Assert.True(table.Remove(first.Id));
        Assert.Equal(0, table.Diversity!.InTable(Public + 1));
        Assert.Equal(0, table.Diversity.InRow(10, Public + 1));
        Assert.True(table.Add(second));
        Assert.Equal(1, table.Diversity.InTable(Public + 1));
        Assert.False(table.Remove(first.Id));
        Assert.Equal(1, table.Diversity.SubnetInRow(10, Public + 1));
    }

    [Fact]
    public void Re_adding_an_id_does_not_count_it_twice()
    {
        var table = Table(Defaults);
        var node = Node(10, 1, Public + 1);

        Assert.True(table.Add(node));
        Assert.True(table.Add(Node(10, 1, Public + 1)));

        Assert.Equal(1, table.Diversity!.InTable(Public + 1));
        Assert.Equal(1, table.Diversity.SubnetInRow(10, Public + 1));
    }

    [Fact]
    public void An_over_share_address_is_refused_before_its_row_is_found_full()
    {
        var table = Table(Defaults);
        var rowFull = 0;
        table.RowFull = (_, _) => rowFull++;
        for (var i = 0; i < 20; i++)
        {
            Assert.True(table.Add(Node(10, (byte)i, Public + ((uint)i << 8) + 1)));
        }

        Assert.False(table.Add(Node(10, 100, Public + 1, 2000)));
        Assert.Equal(0, rowFull);
        Assert.False(table.Add(Node(10, 101, Public + (100u << 8))));
        Assert.Equal(1, rowFull);
    }

    [Fact]
    public void Refuses_newcomer_counts_like_add()
    {
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);
        Assert.True(table.Add(Node(10, 1, Public + 1)));

        Assert.True(table.RefusesNewcomer(InRow(10, 2), Public + 1));
        Assert.False(table.RefusesNewcomer(InRow(11, 2), Public + 1));
        Assert.False(Table(null).RefusesNewcomer(InRow(10, 2), Public + 1));
        Assert.Equal(1, refused.TableEntriesOverIpShare);
    }

    [Fact]
    public void A_rekeyed_table_counts_its_rows_afresh()
    {
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);
        var a = Node(10, 1, Public + 1, 1000);
        var b = Node(11, 1, Public + 1, 1001);
        var c = Node(12, 1, Public + 2, 1000);
        var d = Node(13, 1, Public + 1, 1002);
        foreach (var node in new[] { a, b, c, d })
        {
            Assert.True(table.Add(node));
        }

        // Keyed by a's id, b, c and d all fall in row 10: b and d share an IP, so d no longer fits.
        var dropped = new List<RoutingNode>();
        var rekeyed = table.Rekeyed(a.Id, dropped.Add);

        Assert.Equal([a, d], dropped);
        Assert.Equal(1, refused.TableEntriesOverIpShare);
        Assert.Equal(2, rekeyed.Count);
        var row = rekeyed.RowIndexOf(b.Id);
        Assert.Equal(10, row);
        Assert.Equal(1, rekeyed.Diversity!.InTable(Public + 1));
        Assert.Equal(1, rekeyed.Diversity.InRow(row, Public + 1));
        Assert.Equal(2, rekeyed.Diversity.SubnetInRow(row, Public + 1));
        Assert.Equal(2, rekeyed.Diversity.SubnetInTable(Public + 1));

        // The new table is limited like the old one, and counts what it refuses in the same place.
        Assert.False(rekeyed.Add(Node(11, 7, Public + 1, 1009)));
        Assert.Equal(2, refused.TableEntriesOverIpShare);
    }

    [Fact]
    public void Counts_follow_a_random_history_of_adds_removes_and_rekeys()
    {
        var rng = new Random(42);
        var refused = new RefusalStats();
        var table = Table(Defaults, refused);
        uint[] subnets = [0x2C010200, 0x2C010300, 0x5D000000, 0x0A000000];
        for (var step = 0; step < 5000; step++)
        {
            var choice = rng.Next(20);
            if (choice == 0)
            {
                table = table.Rekeyed(InRow(rng.Next(8), (byte)rng.Next(4)), _ => { });
            }
            else if (choice < 8 && table.Count > 0)
            {
                Assert.True(table.Remove(table.Random(rng)!.Id));
            }
            else
            {
                var address = subnets[rng.Next(subnets.Length)] + (uint)rng.Next(1, 5);
                table.Add(Node(rng.Next(8), (byte)rng.Next(64), address, (ushort)rng.Next(1000, 1008)));
            }

            DiversityRecount.AssertInStep(table);
        }

        Assert.True(refused.TableEntriesOverIpShare > 0);
        Assert.True(refused.TableEntriesOverSubnetShare > 0);
    }
}
