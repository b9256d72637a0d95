using System.Text;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;
using static DhtRpc.Storage.Tests.HyperDht.HyperDhtVectors;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>The family's messages and signatures against what npm hyperdht encodes and signs.</summary>
public sealed class HyperDhtCodecTests
{
    private static readonly PeerRecord Peer = new(Bytes("keyPair", "publicKey"), [Ipv4Endpoint.Parse("10.0.0.1:49737"), Ipv4Endpoint.Parse("127.0.0.1:1")]);

    [Fact]
    public void Namespaces_are_hyperdhts()
    {
        Assert.Equal(Bytes("ns", "announce"), HyperDhtNamespaces.Announce.ToArray());
        Assert.Equal(Bytes("ns", "unannounce"), HyperDhtNamespaces.Unannounce.ToArray());
        Assert.Equal(Bytes("ns", "mutablePut"), HyperDhtNamespaces.MutablePut.ToArray());
    }

    [Fact]
    public void A_peer_record_encodes_as_hyperdht_encodes_it()
    {
        Assert.Equal(Bytes("peer"), Peer.Encode());
    }

    [Fact]
    public void An_announce_decodes_every_field_and_encodes_back_to_the_same_bytes()
    {
        var bytes = Bytes("announce");

        var announce = AnnounceMessage.Decode(bytes)!;

        Assert.Equal(Peer.PublicKey, announce.Peer!.PublicKey);
        Assert.Equal(Peer.RelayAddresses, announce.Peer.RelayAddresses);
        Assert.Equal(Run(32, 9), announce.Refresh);
        Assert.Equal(1700000000000UL, announce.Bump);
        Assert.Equal(64, announce.Signature!.Length);
        Assert.Equal(bytes, announce.Encode());
    }

    [Fact]
    public void A_refresh_only_announce_has_no_peer()
    {
        var announce = AnnounceMessage.Decode(Bytes("refreshOnly"))!;

        Assert.Null(announce.Peer);
        Assert.Equal(Run(32, 9), announce.Refresh);
        Assert.Equal(Bytes("refreshOnly"), announce.Encode());
    }

    [Fact]
    public void Hyperdhts_announce_and_unannounce_signatures_verify_against_our_signable()
    {
        var target = Bytes("target");
        var nodeId = Bytes("nodeId");
        var token = Bytes("token");
        var announce = AnnounceMessage.Decode(Bytes("announce"))!;
        var unannounce = AnnounceMessage.Decode(Bytes("unannounce"))!;

        var signable = HyperDhtSignatures.AnnounceSignable(HyperDhtNamespaces.Announce.Span, target, nodeId, token, announce.Peer!.Encode(), announce.Refresh);
        var unsignable = HyperDhtSignatures.AnnounceSignable(HyperDhtNamespaces.Unannounce.Span, target, nodeId, token, unannounce.Peer!.Encode(), unannounce.Refresh);

        Assert.True(HyperDhtSignatures.Verify(Peer.PublicKey, signable, announce.Signature));
        Assert.True(HyperDhtSignatures.Verify(Peer.PublicKey, unsignable, unannounce.Signature));
        Assert.False(HyperDhtSignatures.Verify(Peer.PublicKey, signable, unannounce.Signature), "an unannounce signature must not pass as an announce");
    }

    [Fact]
    public void A_lookup_reply_encodes_raw_records_then_the_bump()
    {
        var second = new PeerRecord(Bytes("target"), []);

        var bytes = LookupReply.Encode([Peer.Encode(), second.Encode()], 42);

        Assert.Equal(Bytes("lookupReply"), bytes);
        var (peers, bump) = LookupReply.Decode(bytes)!.Value;
        Assert.Equal(42UL, bump);
        Assert.Equal([Peer.PublicKey, second.PublicKey], peers.Select(p => p.PublicKey));
    }

    [Fact]
    public void A_mutable_put_and_its_get_reply_match_hyperdht_and_its_signature_verifies()
    {
        var value = Encoding.UTF8.GetBytes("hello from hyperdht");
        var put = MutableRecord.DecodePut(Bytes("mutable", "put"))!;

        Assert.Equal(3UL, put.Seq);
        Assert.Equal(value, put.Value);
        Assert.Equal(Bytes("mutable", "signature"), put.Signature);
        Assert.Equal(Bytes("mutable", "put"), put.EncodePut());
        Assert.Equal(Bytes("mutable", "getReply"), put.EncodeGetReply());
        Assert.True(HyperDhtSignatures.Verify(put.PublicKey, HyperDhtSignatures.MutableSignable(3, value), put.Signature));
        Assert.False(HyperDhtSignatures.Verify(put.PublicKey, HyperDhtSignatures.MutableSignable(4, value), put.Signature));
    }

    [Fact]
    public void Handshake_and_holepunch_messages_round_trip_hyperdhts_bytes()
    {
        var handshake = HandshakeMessage.Decode(Bytes("handshake"))!;
        var bare = HandshakeMessage.Decode(Bytes("handshakeBare"))!;
        var holepunch = HolepunchMessage.Decode(Bytes("holepunch"))!;

        Assert.Equal(RelayMode.FromRelay, handshake.Mode);
        Assert.Equal(Run(40, 1), handshake.Noise.ToArray());
        Assert.Equal(Ipv4Endpoint.Parse("192.168.1.2:5000"), handshake.PeerAddress);
        Assert.Null(handshake.RelayAddress);
        Assert.Equal(Bytes("handshake"), handshake.Encode());
        Assert.Equal(Bytes("handshakeBare"), bare.Encode());
        Assert.Equal(RelayMode.FromServer, holepunch.Mode);
        Assert.Equal(300UL, holepunch.Id);
        Assert.Equal(Ipv4Endpoint.Parse("1.2.3.4:65535"), holepunch.PeerAddress);
        Assert.Equal(Bytes("holepunch"), holepunch.Encode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("0100")]
    [InlineData("04aabb")]
    [InlineData("08ffffffffffffffff")]
    public void Truncated_or_oversized_values_decode_to_null_instead_of_throwing(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.Null(AnnounceMessage.Decode(bytes));
        Assert.Null(MutableRecord.DecodePut(bytes));
        Assert.Null(HolepunchMessage.Decode(bytes));
    }
}
