namespace DhtRpc.Limits;

/// <summary>The address ranges the limits treat apart (big-endian IPv4 integers, as <see cref="Wire.Ipv4Endpoint.Address"/>).</summary>
internal static class AddressRanges
{
    /// <summary>Loopback, private or link-local: the ranges BEP 42 exempts.</summary>
    public static bool IsLocal(uint address) =>
        (address >> 24) == 127 ||
        (address >> 24) == 10 ||
        (address & 0xFFF0_0000) == 0xAC10_0000 ||
        (address & 0xFFFF_0000) == 0xC0A8_0000 ||
        (address & 0xFFFF_0000) == 0xA9FE_0000;

    /// <summary>The /24 network an address belongs to.</summary>
    public static uint Subnet24(uint address) => address & 0xFFFF_FF00;

    /// <summary>Whether two addresses share a /24.</summary>
    public static bool SameSubnet24(uint a, uint b) => Subnet24(a) == Subnet24(b);

    /// <summary>Whether <paramref name="limits"/> apply to <paramref name="address"/>.</summary>
    public static bool IsLimited(NodeLimits? limits, uint address) =>
        limits is not null && (limits.ApplyToLocalAddresses || !IsLocal(address));
}
