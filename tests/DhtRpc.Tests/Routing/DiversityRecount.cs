using DhtRpc.Limits;
using DhtRpc.Routing;
using Xunit;

namespace DhtRpc.Tests.Routing;

/// <summary>Checks a limited table's counts against a recount of its entries.</summary>
internal static class DiversityRecount
{
    /// <summary>
    /// Every count the table keeps equals a recount of its entries (and no other count is kept), and no
    /// IP or /24 is over its share of a row or of the table.
    /// </summary>
    public static void AssertInStep(RoutingTable table)
    {
        var diversity = table.Diversity!;
        var shares = diversity.Limits.Diversity;
        var limited = table.ToList()
            .Select(n => (Row: table.RowIndexOf(n.Id), Ip: n.Endpoint.Address, Subnet: AddressRanges.Subnet24(n.Endpoint.Address)))
            .Where(n => AddressRanges.IsLimited(diversity.Limits, n.Ip))
            .ToList();
        var ips = limited.GroupBy(n => n.Ip).ToList();
        var subnets = limited.GroupBy(n => n.Subnet).ToList();
        var ipRows = limited.GroupBy(n => (n.Row, n.Ip)).ToList();
        var subnetRows = limited.GroupBy(n => (n.Row, n.Subnet)).ToList();

        Assert.All(ips, g => Assert.Equal(g.Count(), diversity.InTable(g.Key)));
        Assert.All(subnets, g => Assert.Equal(g.Count(), diversity.SubnetInTable(g.Key)));
        Assert.All(ipRows, g => Assert.Equal(g.Count(), diversity.InRow(g.Key.Row, g.Key.Ip)));
        Assert.All(subnetRows, g => Assert.Equal(g.Count(), diversity.SubnetInRow(g.Key.Row, g.Key.Subnet)));
        Assert.Equal(ips.Count + subnets.Count + ipRows.Count + subnetRows.Count, diversity.Keys);

        Assert.All(ips, g => Assert.InRange(g.Count(), 1, shares.PerIpInTable));
        Assert.All(subnets, g => Assert.InRange(g.Count(), 1, shares.PerSubnetInTable));
        Assert.All(ipRows, g => Assert.InRange(g.Count(), 1, shares.PerIpInRow));
        Assert.All(subnetRows, g => Assert.InRange(g.Count(), 1, shares.PerSubnetInRow));
    }
}
