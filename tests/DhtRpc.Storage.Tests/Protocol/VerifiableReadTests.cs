using System.Text;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>The client's verifiable read (108): signatures checked, forgeries counted, disagreement shown, 101 for older nodes.</summary>
public sealed class VerifiableReadTests
{
    private readonly SimulatedStorageSwarm _swarm = new(10);

    private WarehouseClient Client => new(_swarm[9]);

    [Fact]
    public void A_signed_item_reads_back_verified_with_its_owner_and_newest_sequence()
    {
        using var owner = SignedEnvelope.CreateKey();
        Assert.Equal(3, Run(() => Client.StoreSignedAsync(owner, "profile", "v1"u8.ToArray(), sequence: 1)).StoredOn.Count);
        Assert.Equal(3, Run(() => Client.StoreSignedAsync(owner, "profile", "v2"u8.ToArray(), sequence: 2)).StoredOn.Count);

        var read = Run(() => Client.ReadAsync("profile"));

        Assert.Equal("v2", Text(read.Value));
        Assert.Equal(PublicKeyOf(owner), read.Envelope!.PublicKey);
        Assert.Equal(2UL, read.Envelope.Sequence);
        Assert.Equal(3, read.Holders.Count);
        Assert.True(read.Answer!.Verifiable);
        Assert.Equal((0, 0, false), (read.Forgeries, read.Unreadable, read.Disagreement));
        Assert.Equal("v2", Text(Run(() => Client.GetAsync("profile"))!.Value.Value));
    }

    [Fact]
    public void A_holder_answering_a_tampered_envelope_is_counted_as_a_forgery_and_the_honest_value_wins()
    {
        using var owner = SignedEnvelope.CreateKey();
        var target = WarehouseClient.TargetOf("profile");
        var stored = Run(() => Client.StoreSignedAsync(owner, "profile", "honest"u8.ToArray(), sequence: 5));
        var forger = stored.StoredOn[0];
        var forged = SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, target, 6, "honest"u8);
        forged[^1] = (byte)'!';
        StorageAt(forger).Commands.Set(StorageCommands.WarehouseGetVerifiable, r => r.Reply([VerifiableReply.SignedKind, .. forged]));

        var read = Run(() => Client.ReadAsync("profile"));

        Assert.Equal("honest", Text(read.Value));
        Assert.Equal(5UL, read.Envelope!.Sequence);
        Assert.Equal(1, read.Forgeries);
        Assert.Equal([forger], read.ForgedBy);
        Assert.DoesNotContain(forger, read.Holders);
        Assert.Equal("honest", Text(Run(() => Client.GetAsync("profile"))!.Value.Value));

        var alone = Run(() => Client.ReadFromAsync("profile", forger));
        Assert.Equal((true, 1), (alone.NotFound, alone.Forgeries));
        Assert.Null(alone.Value);
    }

    [Fact]
    public void A_holder_signing_the_target_with_its_own_key_and_a_huge_sequence_does_not_outbid_the_owner()
    {
        using var owner = SignedEnvelope.CreateKey();
        using var stranger = SignedEnvelope.CreateKey();
        var target = WarehouseClient.TargetOf("profile");
        var stored = Run(() => Client.StoreSignedAsync(owner, "profile", "honest"u8.ToArray(), sequence: 5));
        var rogue = SignedEnvelope.Create(stranger, SignedEnvelope.Purpose.Store, target, ulong.MaxValue, "rogue"u8);
        StorageAt(stored.StoredOn[1]).Commands.Set(StorageCommands.WarehouseGetVerifiable, r => r.Reply([VerifiableReply.SignedKind, .. rogue]));

        var read = Run(() => Client.ReadAsync("profile"));
        var named = Run(() => Client.ReadAsync("profile", owner: PublicKeyOf(stranger)));

        Assert.Equal("honest", Text(read.Value));
        Assert.True(read.Disagreement);
        Assert.Equal(0, read.Forgeries);
        Assert.Equal("rogue", Text(read.Values[1].Value));
        Assert.Equal([stored.StoredOn[1]], read.Values[1].Holders);
        Assert.Equal("rogue", Text(named.Value));
        Assert.Equal(ulong.MaxValue, read.HighestSequence);
    }

    [Fact]
    public void Unsigned_holders_that_disagree_are_reported_with_the_value_most_of_them_hold_first()
    {
        var candidates = Run(() => Client.FindWarehousesAsync(WarehouseClient.TargetOf("colour")));
        var (a, b, c) = (candidates[0].Peer.Endpoint, candidates[1].Peer.Endpoint, candidates[2].Peer.Endpoint);
        Run(() => Client.StoreOnAsync("colour", "blue"u8.ToArray(), a));
        Run(() => Client.StoreOnAsync("colour", "red"u8.ToArray(), b));
        Run(() => Client.StoreOnAsync("colour", "blue"u8.ToArray(), c));

        var read = Run(() => Client.ReadAsync("colour"));

        Assert.True(read.Disagreement);
        Assert.Null(read.Envelope);
        Assert.Equal(["blue", "red"], read.Values.Select(v => Text(v.Value)));
        Assert.Equal(new HashSet<Ipv4Endpoint> { a, c }, read.Holders.ToHashSet());
        Assert.Equal([b], read.Values[1].Holders);
    }

    [Fact]
    public void Holders_that_do_not_know_108_are_read_with_the_plain_get_and_marked_unchecked()
    {
        var stored = Run(() => Client.StoreAsync("legacy", "old value"u8.ToArray()));
        Assert.Equal(3, stored.StoredOn.Count);
        var old = stored.StoredOn[0];
        Assert.True(StorageAt(old).Commands.Remove(StorageCommands.WarehouseGetVerifiable));

        var read = Run(() => Client.ReadAsync("legacy"));
        var alone = Run(() => Client.ReadFromAsync("legacy", old));

        Assert.Equal("old value", Text(read.Value));
        Assert.Contains(old, read.Holders);
        Assert.Equal(3, read.Holders.Count);
        Assert.False(read.Disagreement);
        Assert.Equal(("old value", false), (Text(alone.Value), alone.Answer!.Verifiable));

        foreach (var holder in stored.StoredOn.Skip(1))
        {
            StorageAt(holder).Commands.Remove(StorageCommands.WarehouseGetVerifiable);
        }

        var allOld = Run(() => Client.ReadAsync("legacy"));
        Assert.Equal(("old value", 3, false), (Text(allOld.Value), allOld.Holders.Count, allOld.Answer!.Verifiable));
    }

    [Fact]
    public void A_signed_item_beats_the_unchecked_plain_reply_of_an_older_holder()
    {
        using var owner = SignedEnvelope.CreateKey();
        var stored = Run(() => Client.StoreSignedAsync(owner, "doc", "signed"u8.ToArray(), sequence: 1));
        StorageAt(stored.StoredOn[0]).Commands.Set(StorageCommands.WarehouseGetVerifiable, r => r.Error(ErrorCodes.UnknownCommand));
        StorageAt(stored.StoredOn[0]).Commands.Set(StorageCommands.WarehouseGet, r => r.Reply("plain lie"u8.ToArray()));

        var read = Run(() => Client.ReadAsync("doc"));

        Assert.Equal("signed", Text(read.Value));
        Assert.NotNull(read.Envelope);
        Assert.Equal(["signed", "plain lie"], read.Values.Select(v => Text(v.Value)));
        Assert.False(read.Values[1].Verifiable);
    }

    [Fact]
    public void A_key_nobody_holds_reads_as_not_found()
    {
        var read = Run(() => Client.ReadAsync("never-stored"));

        Assert.True(read.NotFound);
        Assert.Null(read.Answer);
        Assert.Null(Run(() => Client.GetAsync("never-stored")));
    }

    [Fact]
    public void The_next_sequence_is_the_clock_in_milliseconds_unless_a_holder_reports_a_higher_one()
    {
        using var owner = SignedEnvelope.CreateKey();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        Run(() => Client.StoreSignedAsync(owner, "seq", "x"u8.ToArray(), sequence: 42));
        Assert.Equal(1_700_000_000_000UL, Run(() => Client.ReadAsync("seq")).NextSequence(now));

        Run(() => Client.StoreSignedAsync(owner, "seq", "y"u8.ToArray(), sequence: 2_000_000_000_000));
        Assert.Equal(2_000_000_000_001UL, Run(() => Client.ReadAsync("seq")).NextSequence(now));
        Assert.Equal(1_700_000_000_000UL, Run(() => Client.ReadAsync("unsigned-never")).NextSequence(now));
    }

    private static byte[] PublicKeyOf(NSec.Cryptography.Key key) => key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);

    private static string Text(byte[]? value) => value is null ? "(null)" : Encoding.UTF8.GetString(value);

    private T Run<T>(Func<Task<T>> body) => _swarm.Swarm.Run(body);

    private StorageNode StorageAt(Ipv4Endpoint endpoint) =>
        _swarm.Storage.Single(s => SimulatedSwarm.ServerOf(s.Node) == endpoint);
}
