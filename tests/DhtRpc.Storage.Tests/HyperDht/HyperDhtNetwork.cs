using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>A simulated network whose nodes all serve the hyperdht family, and a client that signs like a hyperdht peer.</summary>
internal sealed class HyperDhtNetwork
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    public HyperDhtNetwork(int size)
    {
        Swarm = new SimulatedSwarm().Make(size, onCreated: node =>
        {
            var table = new CommandTable();
            var family = new HyperDhtFamily(node);
            family.Install(table);
            node.RequestHandler = table.Dispatch;
            Families.Add(family);
        });
        Client = Swarm.Add(new DhtNodeOptions { Ephemeral = true, Bootstrap = [Swarm.BootstrapEntry] });
        Swarm.Run(Client.FullyBootstrappedAsync);
    }

    public SimulatedSwarm Swarm { get; }

    public List<HyperDhtFamily> Families { get; } = [];

    public DhtNode Client { get; }

    public static Ipv4Endpoint EndpointOf(DhtNode node) => SimulatedSwarm.ServerOf(node);

    public DhtResponse Request(DhtNode from, DhtNode to, ulong command, NodeId target, byte[]? value = null, byte[]? token = null) =>
        Swarm.Run(() => from.RequestAsync(new DhtRequest(command, target, value, token), EndpointOf(to)));

    /// <summary>A token from <paramref name="to"/> for <paramref name="from"/>, asked with a LOOKUP as hyperdht's queries do.</summary>
    public byte[] TokenFrom(DhtNode from, DhtNode to, NodeId target) =>
        Request(from, to, HyperDhtCommands.Lookup, target).Token ?? throw new InvalidOperationException("no token");

    public static Key NewKey(int seed) => Key.Import(Ed25519, Enumerable.Range(seed, 32).Select(i => (byte)i).ToArray(), KeyBlobFormat.RawPrivateKey);

    public static byte[] PublicKeyOf(Key key) => key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public static byte[] Sign(Key key, byte[] message) => Ed25519.Sign(key, message);

    /// <summary>A signed ANNOUNCE (or UNANNOUNCE) value for <paramref name="target"/> at the node whose id and token are given.</summary>
    public static byte[] SignedAnnounce(Key key, NodeId target, NodeId nodeId, byte[] token, PeerRecord peer, byte[]? refresh = null, bool unannounce = false)
    {
        var ns = unannounce ? HyperDhtNamespaces.Unannounce : HyperDhtNamespaces.Announce;
        var signable = HyperDhtSignatures.AnnounceSignable(ns.Span, target.ToArray(), nodeId.ToArray(), token, peer.Encode(), refresh);
        return new AnnounceMessage(peer, refresh, Sign(key, signable), 0).Encode();
    }

    public static MutableRecord SignedMutable(Key key, ulong seq, byte[] value) =>
        new(PublicKeyOf(key), seq, value, Sign(key, HyperDhtSignatures.MutableSignable(seq, value)));
}
