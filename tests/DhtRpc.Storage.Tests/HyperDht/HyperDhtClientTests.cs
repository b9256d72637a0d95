using System.Text;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;
using static DhtRpc.Storage.Tests.HyperDht.HyperDhtNetwork;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>The .NET record client on a simulated network of nodes serving the family.</summary>
public sealed class HyperDhtClientTests
{
    private readonly HyperDhtNetwork _net = new(25);

    private HyperDhtClient Writer => new(_net.Client);

    private HyperDhtClient Reader => new(_net.Swarm[7]);

    [Fact]
    public void An_immutable_value_put_by_one_node_is_read_by_another_and_checked_against_its_hash()
    {
        var value = Encoding.UTF8.GetBytes("stored by hash");

        var put = _net.Swarm.Run(() => Writer.ImmutablePutAsync(value));
        var got = _net.Swarm.Run(() => Reader.ImmutableGetAsync(put.Target));
        var missing = _net.Swarm.Run(() => Reader.ImmutableGetAsync(NodeId.Random()));

        Assert.Equal(NodeId.Read(HyperDhtSignatures.Hash(value)), put.Target);
        Assert.InRange(put.StoredOn.Count, 10, 20);
        Assert.Empty(put.Refused);
        Assert.Equal(value, got);
        Assert.Null(missing);
    }

    [Fact]
    public void The_newest_mutable_value_is_read_and_an_older_sequence_is_refused_by_every_holder()
    {
        var key = NewKey(11);

        _net.Swarm.Run(() => Writer.MutablePutAsync(key, [1], 1));
        _net.Swarm.Run(() => Writer.MutablePutAsync(key, [2], 2));
        var stale = _net.Swarm.Run(() => Writer.MutablePutAsync(key, [0], 0));
        var got = _net.Swarm.Run(() => Reader.MutableGetAsync(PublicKeyOf(key)));
        var tooNew = _net.Swarm.Run(() => Reader.MutableGetAsync(PublicKeyOf(key), minSeq: 3));

        Assert.Equal(2UL, got!.Seq);
        Assert.Equal([2], got.Value);
        Assert.Null(tooNew);
        Assert.Empty(stale.StoredOn);
        Assert.All(stale.Refused, r => Assert.Equal(HyperDhtErrors.SeqTooLow, r.Code));
    }

    [Fact]
    public void An_announce_is_found_by_a_lookup_from_another_node()
    {
        var key = NewKey(12);
        var topic = NodeId.Random();
        var relay = Ipv4Endpoint.Parse("10.9.8.7:6000");

        var announced = _net.Swarm.Run(() => Writer.AnnounceAsync(topic, key, [relay]));
        var peers = _net.Swarm.Run(() => Reader.LookupAsync(topic));

        Assert.NotEmpty(announced.StoredOn);
        var peer = Assert.Single(peers);
        Assert.Equal(PublicKeyOf(key), peer.PublicKey);
        Assert.Equal([relay], peer.RelayAddresses);
    }

    [Fact]
    public void A_key_made_from_a_seed_is_the_one_hyperdht_makes_from_it()
    {
        Assert.Equal(HyperDhtVectors.Bytes("keyPair", "publicKey"), PublicKeyOf(NewKey(7)));
    }
}
