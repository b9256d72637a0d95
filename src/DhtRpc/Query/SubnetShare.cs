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
            var subnet = AddressRanges.Subnet24(address);
            _counts[subnet] = _counts.GetValueOrDefault(subnet) + 1;
        }
    }

    public void Remove(uint address)
    {
        if (_counts is null || !AddressRanges.IsLimited(_limits, address))
        {
            return;
        }

        var subnet = AddressRanges.Subnet24(address);
        var n = _counts.GetValueOrDefault(subnet) - 1;
        if (n > 0)
        {
            _counts[subnet] = n;
        }
        else
        {
            _counts.Remove(subnet);
        }
    }

    /// <summary>Whether two addresses share a /24.</summary>
    public static bool SameSubnet(uint a, uint b) => AddressRanges.Subnet24(a) == AddressRanges.Subnet24(b);
}
