using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>Choosing warehouses by location tag: the tagged ones first, then the rest by round-trip time.</summary>
public sealed class WarehouseLocationTests
{
    /// <summary>Tags cycled over the nodes; node 0 (the bootstrap) and every fifth node have none.</summary>
    private static readonly string?[] Tags = [null, "eu-west", "us-east", "eu-west", "us-east"];

    private readonly SimulatedSwarm _swarm;
    private readonly Dictionary<Ipv4Endpoint, string?> _tagOf = [];

    public WarehouseLocationTests()
    {
        var index = 0;
        _swarm = new SimulatedSwarm().Make(20, onCreated: node =>
        {
            var tag = Tags[index++ % Tags.Length];
            _ = new StorageNode(node, new InMemoryItemStore(), StorageOptions.Default with { Location = tag });
        });
        foreach (var node in _swarm.Nodes)
        {
            _tagOf[SimulatedSwarm.ServerOf(node)] = Tags[_swarm.Nodes.ToList().IndexOf(node) % Tags.Length];
        }
    }

    private WarehouseClient Client => new(_swarm[19]);

    private static LocatedWarehouse At(string endpoint, string? location, int rttMilliseconds) =>
        new(new WarehouseCandidate(new DhtPeer(Ipv4Endpoint.Parse(endpoint), null), [1], TimeSpan.FromMilliseconds(rttMilliseconds)), location);

    [Fact]
    public void Nearest_puts_the_tagged_first_then_orders_by_round_trip()
    {
        var closestFirst = new[] { At("10.0.0.1:1", "us-east", 1), At("10.0.0.2:1", "EU-West", 9), At("10.0.0.3:1", null, 2), At("10.0.0.4:1", "eu-west", 4) };

        var nearest = HolderChoice.Nearest(closestFirst, "eu-west");
        var byRtt = HolderChoice.Nearest(closestFirst, null);

        Assert.Equal(["10.0.0.4:1", "10.0.0.2:1", "10.0.0.1:1", "10.0.0.3:1"], nearest.Select(w => w.Endpoint.ToString()));
        Assert.Equal(["10.0.0.1:1", "10.0.0.3:1", "10.0.0.4:1", "10.0.0.2:1"], byRtt.Select(w => w.Endpoint.ToString()));
        Assert.False(closestFirst[2].IsIn(null));
    }

    [Fact]
    public void Available_warehouses_report_their_own_tags_and_the_wanted_ones_come_first()
    {
        var found = _swarm.Run(() => Client.FindAvailableWarehousesAsync("us-east"));

        Assert.NotEmpty(found);
        Assert.All(found, w => Assert.Equal(_tagOf[w.Endpoint], w.Location));
        var tagged = found.Count(w => w.IsIn("us-east"));
        Assert.True(tagged >= 3, $"only {tagged} of {found.Count} found are tagged us-east");
        Assert.All(found.Take(tagged), w => Assert.Equal("us-east", w.Location));
        Assert.All(found.Skip(tagged), w => Assert.NotEqual("us-east", w.Location));
    }

    [Fact]
    public void A_location_nobody_has_falls_back_to_round_trip_order()
    {
        var found = _swarm.Run(() => Client.FindAvailableWarehousesAsync("ap-south"));

        Assert.NotEmpty(found);
        Assert.DoesNotContain(found, w => w.IsIn("ap-south"));
        Assert.Equal(found.Select(w => w.Candidate.Rtt).Order(), found.Select(w => w.Candidate.Rtt));
    }

    [Fact]
    public void A_store_on_the_nearest_lands_on_tagged_warehouses_and_every_read_finds_it()
    {
        var client = Client;
        var near = _swarm.Run(() => client.FindNearestWarehousesAsync("greeting", "eu-west"));
        var chosen = HolderChoice.Diverse([.. near.Select(w => w.Candidate)], 3, client.Node.Options.Limits);

        var stored = _swarm.Run(() => client.StoreOnEachAsync("greeting", "hello"u8.ToArray(), chosen));
        var nearestRead = _swarm.Run(() => client.ReadFromEachAsync("greeting", near.Select(w => w.Endpoint)));
        var lookupRead = _swarm.Run(() => client.ReadAsync("greeting"));

        Assert.Equal(3, stored.StoredOn.Count);
        Assert.All(stored.StoredOn, e => Assert.Equal("eu-west", _tagOf[e]));
        Assert.Equal("hello"u8.ToArray(), nearestRead.Answer!.Value);
        Assert.Equal(Sorted(stored.StoredOn), Sorted(nearestRead.Answer.Holders));
        Assert.Equal("hello"u8.ToArray(), lookupRead.Answer!.Value);
    }

    [Fact]
    public void A_signed_store_on_chosen_warehouses_is_read_back_verified()
    {
        var client = Client;
        using var owner = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var near = _swarm.Run(() => client.FindNearestWarehousesAsync("signed", "us-east"));

        var stored = _swarm.Run(() => client.StoreSignedOnEachAsync(owner, "signed", "v1"u8.ToArray(), 1, near.Take(2).Select(w => w.Candidate)));
        var read = _swarm.Run(() => client.ReadFromEachAsync("signed", near.Select(w => w.Endpoint), redundancy: 2));

        Assert.Equal(Sorted(near.Take(2).Select(w => w.Endpoint)), Sorted(stored.StoredOn));
        Assert.All(stored.StoredOn, e => Assert.Equal("us-east", _tagOf[e]));
        Assert.NotNull(read.Answer!.Envelope);
        Assert.Equal("v1"u8.ToArray(), read.Answer.Value);
    }

    private static List<string> Sorted(IEnumerable<Ipv4Endpoint> endpoints) => [.. endpoints.Select(e => e.ToString()).Order(StringComparer.Ordinal)];
}
