using System.Text;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;
using static DhtRpc.Storage.Tests.HyperDht.HyperDhtNetwork;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>Announces, lookups and values on nodes serving the hyperdht family, with hyperdht's checks.</summary>
public sealed class HyperDhtRecordTests
{
    private readonly HyperDhtNetwork _net = new(6);

    private DhtRpc.DhtNode Holder => _net.Swarm[3];

    [Fact]
    public void A_signed_announce_is_found_by_lookup_and_removed_by_a_signed_unannounce()
    {
        var key = NewKey(1);
        var topic = NodeId.Random();
        var peer = new PeerRecord(PublicKeyOf(key), [Ipv4Endpoint.Parse("10.1.2.3:4000")]);
        var token = _net.TokenFrom(_net.Client, Holder, topic);

        var announced = _net.Request(_net.Client, Holder, HyperDhtCommands.Announce, topic, SignedAnnounce(key, topic, Holder.Id!.Value, token, peer), token);
        var found = _net.Request(_net.Client, Holder, HyperDhtCommands.Lookup, topic);
        var token2 = found.Token!;
        var removed = _net.Request(_net.Client, Holder, HyperDhtCommands.Unannounce, topic, SignedAnnounce(key, topic, Holder.Id!.Value, token2, peer, unannounce: true), token2);
        var after = _net.Request(_net.Client, Holder, HyperDhtCommands.Lookup, topic);

        Assert.Equal(0UL, announced.Error);
        Assert.Null(announced.Token);
        var (peers, _) = LookupReply.Decode(found.Value)!.Value;
        Assert.Equal(peer.RelayAddresses, Assert.Single(peers).RelayAddresses);
        Assert.Equal(0UL, removed.Error);
        Assert.Null(after.Value);
    }

    [Fact]
    public void An_announce_with_a_wrong_signature_or_no_token_is_refused_and_not_stored()
    {
        var key = NewKey(1);
        var topic = NodeId.Random();
        var peer = new PeerRecord(PublicKeyOf(key), []);
        var token = _net.TokenFrom(_net.Client, Holder, topic);
        var signedForAnotherNode = SignedAnnounce(key, topic, NodeId.Random(), token, peer);

        var forged = _net.Request(_net.Client, Holder, HyperDhtCommands.Announce, topic, signedForAnotherNode, token);
        var tokenless = _net.Request(_net.Client, Holder, HyperDhtCommands.Announce, topic, SignedAnnounce(key, topic, Holder.Id!.Value, token, peer));
        var lookup = _net.Request(_net.Client, Holder, HyperDhtCommands.Lookup, topic);

        Assert.Equal(HyperDhtRefusals.BadSignature, forged.Error);
        Assert.Equal(ErrorCodes.InvalidToken, tokenless.Error);
        Assert.Null(lookup.Value);
        Assert.Equal(2, _net.Families[3].Stats.Refused);
    }

    [Fact]
    public void A_server_announcing_under_its_own_key_is_found_by_find_peer_and_lookup()
    {
        var key = NewKey(2);
        var peer = new PeerRecord(PublicKeyOf(key), []);
        var topic = HyperDhtFamily.TopicOf(peer.PublicKey);
        var token = _net.TokenFrom(_net.Client, Holder, topic);

        _net.Request(_net.Client, Holder, HyperDhtCommands.Announce, topic, SignedAnnounce(key, topic, Holder.Id!.Value, token, peer), token);
        var findPeer = _net.Request(_net.Client, Holder, HyperDhtCommands.FindPeer, topic);
        var lookup = _net.Request(_net.Client, Holder, HyperDhtCommands.Lookup, topic);

        Assert.Equal(peer.Encode(), findPeer.Value);
        Assert.Equal(peer.PublicKey, Assert.Single(LookupReply.Decode(lookup.Value)!.Value.Peers).PublicKey);
        Assert.NotNull(_net.Families[3].Router.Get(topic));
    }

    [Fact]
    public void Mutable_values_keep_the_highest_sequence_and_refuse_reuse_and_going_back()
    {
        var key = NewKey(3);
        var target = HyperDhtFamily.TopicOf(PublicKeyOf(key));
        var token = _net.TokenFrom(_net.Client, Holder, target);
        var v3 = SignedMutable(key, 3, Encoding.UTF8.GetBytes("three"));

        var put = _net.Request(_net.Client, Holder, HyperDhtCommands.MutablePut, target, v3.EncodePut(), token);
        var get = _net.Request(_net.Client, Holder, HyperDhtCommands.MutableGet, target, [0]);
        var tooNew = _net.Request(_net.Client, Holder, HyperDhtCommands.MutableGet, target, [5]);
        var lower = _net.Request(_net.Client, Holder, HyperDhtCommands.MutablePut, target, SignedMutable(key, 2, [1]).EncodePut(), token);
        var reused = _net.Request(_net.Client, Holder, HyperDhtCommands.MutablePut, target, SignedMutable(key, 3, [1]).EncodePut(), token);
        var forged = _net.Request(_net.Client, Holder, HyperDhtCommands.MutablePut, target, (v3 with { Seq = 9 }).EncodePut(), token);
        var wrongTarget = _net.Request(_net.Client, Holder, HyperDhtCommands.MutablePut, NodeId.Random(), v3.EncodePut(), _net.TokenFrom(_net.Client, Holder, NodeId.Random()));

        Assert.Equal(0UL, put.Error);
        Assert.Equal(v3.EncodeGetReply(), get.Value);
        Assert.Null(tooNew.Value);
        Assert.Equal(HyperDhtErrors.SeqTooLow, lower.Error);
        Assert.Equal(HyperDhtErrors.SeqReused, reused.Error);
        Assert.Equal(HyperDhtRefusals.BadSignature, forged.Error);
        Assert.Equal(HyperDhtRefusals.WrongTarget, wrongTarget.Error);
    }

    [Fact]
    public void Immutable_values_are_stored_under_their_blake2b_hash_only()
    {
        var value = Encoding.UTF8.GetBytes("an immutable value");
        var target = NodeId.Read(HyperDhtSignatures.Hash(value));
        var token = _net.TokenFrom(_net.Client, Holder, target);
        var other = NodeId.Random();

        var put = _net.Request(_net.Client, Holder, HyperDhtCommands.ImmutablePut, target, value, token);
        var get = _net.Request(_net.Client, Holder, HyperDhtCommands.ImmutableGet, target);
        var wrong = _net.Request(_net.Client, Holder, HyperDhtCommands.ImmutablePut, other, value, _net.TokenFrom(_net.Client, Holder, other));
        var tooLarge = _net.Request(_net.Client, Holder, HyperDhtCommands.ImmutablePut, target, new byte[3000], token);

        Assert.Equal(0UL, put.Error);
        Assert.Equal(value, get.Value);
        Assert.Equal(HyperDhtRefusals.WrongTarget, wrong.Error);
        Assert.Equal(HyperDhtRefusals.ValueTooLarge, tooLarge.Error);
    }

    [Fact]
    public void An_ephemeral_node_answers_the_record_commands_and_plugins_with_unknown_command()
    {
        var ephemeral = _net.Swarm.Add(new DhtRpc.DhtNodeOptions { Ephemeral = true, Bootstrap = [_net.Swarm.BootstrapEntry] });
        var table = new DhtRpc.Storage.Protocol.CommandTable();
        new HyperDhtFamily(ephemeral).Install(table);
        ephemeral.RequestHandler = table.Dispatch;
        _net.Swarm.Run(ephemeral.FullyBootstrappedAsync);

        var lookup = _net.Request(_net.Client, ephemeral, HyperDhtCommands.Lookup, NodeId.Random());
        var plugin = _net.Request(_net.Client, Holder, HyperDhtCommands.Plugin, NodeId.Random(), [1]);

        Assert.Equal(ErrorCodes.UnknownCommand, lookup.Error);
        Assert.Equal(ErrorCodes.UnknownCommand, plugin.Error);
    }
}
