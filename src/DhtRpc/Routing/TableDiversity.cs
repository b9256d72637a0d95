using DhtRpc.Limits;
using DhtRpc.Rpc;

namespace DhtRpc.Routing;

/// <summary>Why a routing entry was or was not let in by the diversity limits.</summary>
internal enum DiversityVerdict
{
    Fits,
    OverIpShare,
    OverSubnetShare,
}

/// <summary>
/// How many routing entries each limited IP and /24 holds, in the whole table and in each row, so that
/// <see cref="DiversityLimits"/> can be checked in O(1) per add and remove. Addresses the limits spare
/// (see <see cref="AddressRanges.IsLimited"/>) are never counted.
/// </summary>
internal sealed class TableDiversity
{
    private readonly NodeLimits _limits;
    private readonly DiversityLimits _shares;
    private readonly RefusalStats? _refused;
    private readonly Dictionary<uint, int> _ipInTable = [];
    private readonly Dictionary<uint, int> _subnetInTable = [];

    // Row counts keyed by row << 32 | address: one dictionary for all rows instead of one per row.
    private readonly Dictionary<ulong, int> _ipInRow = [];
    private readonly Dictionary<ulong, int> _subnetInRow = [];

    public TableDiversity(NodeLimits limits, RefusalStats? refused)
    {
        _limits = limits;
        _shares = limits.Diversity;
        _refused = refused;
    }

    /// <summary>Limits and the counters of what they refuse, for a table that starts empty.</summary>
    public NodeLimits Limits => _limits;

    public RefusalStats? Refused => _refused;

    /// <summary>Whether one more entry of <paramref name="address"/> fits in row <paramref name="row"/>.</summary>
    public DiversityVerdict Check(int row, uint address)
    {
        if (!AddressRanges.IsLimited(_limits, address))
        {
            return DiversityVerdict.Fits;
        }

        var subnet = AddressRanges.Subnet24(address);
        if (_ipInRow.GetValueOrDefault(RowKey(row, address)) >= _shares.PerIpInRow ||
            _ipInTable.GetValueOrDefault(address) >= _shares.PerIpInTable)
        {
            return DiversityVerdict.OverIpShare;
        }

        return _subnetInRow.GetValueOrDefault(RowKey(row, subnet)) >= _shares.PerSubnetInRow ||
            _subnetInTable.GetValueOrDefault(subnet) >= _shares.PerSubnetInTable
            ? DiversityVerdict.OverSubnetShare
            : DiversityVerdict.Fits;
    }

    /// <summary>Counts a refusal under its reason.</summary>
    public void CountRefusal(DiversityVerdict verdict)
    {
        if (_refused is null)
        {
            return;
        }

        if (verdict == DiversityVerdict.OverIpShare)
        {
            _refused.TableEntriesOverIpShare++;
        }
        else if (verdict == DiversityVerdict.OverSubnetShare)
        {
            _refused.TableEntriesOverSubnetShare++;
        }
    }

    public void Added(int row, uint address) => Change(row, address, 1);

    public void Removed(int row, uint address) => Change(row, address, -1);

    /// <summary>Counts kept, of all four kinds: at most four per limited entry, none for a count fallen to zero.</summary>
    public int Keys => _ipInTable.Count + _subnetInTable.Count + _ipInRow.Count + _subnetInRow.Count;

    /// <summary>Entries <paramref name="address"/> holds in the table (0 for addresses the limits spare).</summary>
    public int InTable(uint address) => _ipInTable.GetValueOrDefault(address);

    /// <summary>Entries the /24 of <paramref name="address"/> holds in the table.</summary>
    public int SubnetInTable(uint address) => _subnetInTable.GetValueOrDefault(AddressRanges.Subnet24(address));

    /// <summary>Entries <paramref name="address"/> holds in row <paramref name="row"/>.</summary>
    public int InRow(int row, uint address) => _ipInRow.GetValueOrDefault(RowKey(row, address));

    /// <summary>Entries the /24 of <paramref name="address"/> holds in row <paramref name="row"/>.</summary>
    public int SubnetInRow(int row, uint address) => _subnetInRow.GetValueOrDefault(RowKey(row, AddressRanges.Subnet24(address)));

    private void Change(int row, uint address, int delta)
    {
        if (!AddressRanges.IsLimited(_limits, address))
        {
            return;
        }

        var subnet = AddressRanges.Subnet24(address);
        ShareCounts.Change(_ipInTable, address, delta);
        ShareCounts.Change(_subnetInTable, subnet, delta);
        ShareCounts.Change(_ipInRow, RowKey(row, address), delta);
        ShareCounts.Change(_subnetInRow, RowKey(row, subnet), delta);
    }

    private static ulong RowKey(int row, uint address) => ((ulong)(uint)row << 32) | address;
}
