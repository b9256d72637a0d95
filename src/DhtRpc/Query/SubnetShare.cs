using DhtRpc.Limits;

namespace DhtRpc.Query;

/// <summary>
/// How many members of a set a walk keeps (its closest replies, or its queued and in-flight visits)
/// each limited /24 has, against <see cref="DiversityLimits.PerSubnetInClosest"/>. Bounding the /24
/// bounds each IP in it too. Addresses the limits spare are never counted.
/// </summary>
internal sealed class SubnetShare
{
    private readonly NodeLimits? _limits;
    private readonly int _cap;

    // Made on the first limited member: walks among spared addresses (loopback tests) allocate nothing.
    private Dictionary<uint, int>? _counts;

    public SubnetShare(NodeLimits? limits)
    {
        _limits = limits;
        _cap = limits?.Diversity.PerSubnetInClosest ?? int.MaxValue;
    }

    /// <summary>True when <paramref name="address"/> is limited and its /24 already has its share.</summary>
    public bool IsFull(uint address) =>
        AddressRanges.IsLimited(_limits, address) &&
        (_counts?.GetValueOrDefault(AddressRanges.Subnet24(address)) ?? 0) >= _cap;

    public void Add(uint address)
    {
        if (AddressRanges.IsLimited(_limits, address))
        {
            _counts ??= [];
            ShareCounts.Change(_counts, AddressRanges.Subnet24(address), 1);
        }
    }

    public void Remove(uint address)
    {
        if (_counts is not null && AddressRanges.IsLimited(_limits, address))
        {
            ShareCounts.Change(_counts, AddressRanges.Subnet24(address), -1);
        }
    }
}
