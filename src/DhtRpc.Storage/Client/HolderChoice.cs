using DhtRpc.Limits;

namespace DhtRpc.Storage.Client;

/// <summary>
/// Which warehouses a client turns to. A store goes to the closest, but at most one per /24 among
/// the addresses the node's limits hold, so that one operator with many ports (or one subnet) cannot take
/// every replica of an item. When there are fewer distinct subnets than replicas, the rest are taken in
/// order: a replica on a shared subnet is better than none. A request any one warehouse can answer goes
/// to the one that answered fastest. Asked for a location, the nearest come first: the warehouses tagged
/// with it, then the others, each group by round-trip time.
/// </summary>
public static class HolderChoice
{
    /// <summary>Picks <paramref name="count"/> of <paramref name="closestFirst"/> under the rule above.</summary>
    /// <param name="closestFirst">Candidates, closest to the target first.</param>
    /// <param name="count">Replicas wanted.</param>
    /// <param name="limits">The choosing node's limits: addresses they do not hold (local ones by default) are not grouped; null groups none.</param>
    public static IReadOnlyList<WarehouseCandidate> Diverse(IReadOnlyList<WarehouseCandidate> closestFirst, int count, NodeLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(closestFirst);
        var chosen = new List<WarehouseCandidate>(count);
        var subnets = new HashSet<uint>();
        var passedOver = new List<WarehouseCandidate>();
        foreach (var candidate in closestFirst)
        {
            if (chosen.Count == count)
            {
                break;
            }

            var address = candidate.Peer.Endpoint;
            if (limits is not null && limits.AppliesTo(address) && !subnets.Add(address.Address & 0xFFFF_FF00))
            {
                passedOver.Add(candidate);
                continue;
            }

            chosen.Add(candidate);
        }

        chosen.AddRange(passedOver.Take(count - chosen.Count));
        return chosen;
    }

    /// <summary>The candidate that answered fastest (lowest round-trip time), the closer one on a tie; null when there is none.</summary>
    /// <param name="closestFirst">Candidates, closest to the target first.</param>
    public static WarehouseCandidate? Fastest(IReadOnlyList<WarehouseCandidate> closestFirst)
    {
        ArgumentNullException.ThrowIfNull(closestFirst);
        WarehouseCandidate? fastest = null;
        foreach (var candidate in closestFirst)
        {
            if (fastest is null || candidate.Rtt < fastest.Rtt)
            {
                fastest = candidate;
            }
        }

        return fastest;
    }

    /// <summary>
    /// <paramref name="closestFirst"/> nearest first: those tagged <paramref name="location"/> (any case) before the
    /// others, and within each group the lowest round-trip time first, the closer one on a tie. A null
    /// <paramref name="location"/> orders by round-trip time alone.
    /// </summary>
    /// <param name="closestFirst">Warehouses with their tags, closest to the target first.</param>
    /// <param name="location">The location wanted, or null.</param>
    public static IReadOnlyList<LocatedWarehouse> Nearest(IReadOnlyList<LocatedWarehouse> closestFirst, string? location)
    {
        ArgumentNullException.ThrowIfNull(closestFirst);
        return closestFirst
            .OrderBy(w => w.IsIn(location) ? 0 : 1)
            .ThenBy(w => w.Candidate.Rtt)
            .ToList();
    }
}
