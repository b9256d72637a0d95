using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>A warehouse found by a lookup, with the location tag it reports (see <see cref="WarehouseClient.LocateAsync"/>).</summary>
/// <param name="Candidate">The warehouse as the lookup found it: address, token, round-trip time.</param>
/// <param name="Location">Its location tag (`dht node --location`); null when it has none or did not say.</param>
public sealed record LocatedWarehouse(WarehouseCandidate Candidate, string? Location)
{
    /// <summary>The warehouse's address.</summary>
    public Ipv4Endpoint Endpoint => Candidate.Peer.Endpoint;

    /// <summary>True when its tag is <paramref name="location"/> (compared without regard to case); false for a null <paramref name="location"/>.</summary>
    public bool IsIn(string? location) => location is not null && Location is not null && string.Equals(Location, location, StringComparison.OrdinalIgnoreCase);
}
