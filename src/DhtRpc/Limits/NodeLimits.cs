namespace DhtRpc.Limits;

/// <summary>
/// What a node gives to any one source and to all of them together: request budgets, the bytes it sends
/// to addresses that have not proven they receive there, and how many routing entries one address or
/// one /24 may hold. Defaults are chosen for the public internet (see docs/limits.md).
/// </summary>
public sealed record NodeLimits
{
    /// <summary>
    /// Apply every limit to loopback and private addresses too (127/8, 10/8, 172.16/12, 192.168/16,
    /// 169.254/16). Off by default, as BEP 42 exempts local ranges, so that local networks of hundreds
    /// of nodes on one address keep working; turn it on to see the limits act on loopback.
    /// </summary>
    public bool ApplyToLocalAddresses { get; init; }

    /// <summary>True when these limits hold <paramref name="address"/>: always for public addresses, for local ones only with <see cref="ApplyToLocalAddresses"/>.</summary>
    public bool AppliesTo(Wire.Ipv4Endpoint address) => AddressRanges.IsLimited(this, address.Address);

    /// <summary>Requests per second one source IP may send (its token bucket's rate); more are dropped and counted.</summary>
    public int RequestsPerSecondPerSource { get; init; } = 1024;

    /// <summary>Requests one source IP may send at once after being idle (its bucket's depth).</summary>
    public int RequestBurstPerSource { get; init; } = 2048;

    /// <summary>Requests per second from all limited sources together.</summary>
    public int RequestsPerSecond { get; init; } = 16_384;

    /// <summary>Requests from all limited sources at once after an idle spell.</summary>
    public int RequestBurst { get; init; } = 32_768;

    /// <summary>
    /// Source addresses whose budgets are tracked at once; sources beyond share one budget, so a flood
    /// from many forged addresses cannot grow the node's memory.
    /// </summary>
    public int MaxTrackedSources { get; init; } = 65_536;

    /// <summary>
    /// The largest reply (whole datagram) sent to an address that has not presented a valid token: a
    /// larger one is replaced by a TOKEN_REQUIRED error carrying a token, so that the requester can ask
    /// again and get it. One Ethernet-sized datagram by default.
    /// </summary>
    public int MaxUnprovenReplyBytes { get; init; } = 1472;

    /// <summary>Bytes per second sent to one IP that has not presented a valid token; replies beyond are dropped and counted.</summary>
    public int UnprovenBytesPerSecond { get; init; } = 56 * 1024;

    /// <summary>Bytes an unproven IP may be sent at once after an idle spell.</summary>
    public int UnprovenBurstBytes { get; init; } = 16 * 1024;

    /// <summary>PING_NAT replies per second to one source IP (a joining node needs a few); more are refused and counted.</summary>
    public double PingNatsPerSecondPerSource { get; init; } = 1;

    /// <summary>PING_NAT requests one source IP may send at once.</summary>
    public int PingNatBurstPerSource { get; init; } = 4;

    /// <summary>How many routing entries and query results one IP and one /24 may hold.</summary>
    public DiversityLimits Diversity { get; init; } = new();
}

/// <summary>
/// Limits on how much of a routing table, and of a query's closest set, one IP address or one /24
/// network may hold, so that an attacker with many ports or hosts on one network cannot eclipse a node
/// or a key. Local ranges follow <see cref="NodeLimits.ApplyToLocalAddresses"/>.
/// </summary>
public sealed record DiversityLimits
{
    /// <summary>Entries one IP may hold in one row (bucket) of the routing table.</summary>
    public int PerIpInRow { get; init; } = 1;

    /// <summary>Entries one /24 may hold in one row (libtorrent keeps one per /24 per bucket; go-libp2p two per group per prefix length).</summary>
    public int PerSubnetInRow { get; init; } = 2;

    /// <summary>Entries one IP may hold in the whole table.</summary>
    public int PerIpInTable { get; init; } = 3;

    /// <summary>Entries one /24 may hold in the whole table (go-libp2p keeps three per IP group, a /16).</summary>
    public int PerSubnetInTable { get; init; } = 6;

    /// <summary>
    /// Nodes one /24 may place in a query's closest set (its results and commit targets), a closer one
    /// taking the place of its farthest; also how many nodes of one /24 named by other nodes a query
    /// keeps queued or in flight at once.
    /// </summary>
    public int PerSubnetInClosest { get; init; } = 3;
}
