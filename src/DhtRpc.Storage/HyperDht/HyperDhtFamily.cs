using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// hyperdht's commands 0–10 served by a node, as a hyperdht node serves them: handshakes and hole
/// punches are relayed by any node; the records (FIND_PEER … IMMUTABLE_GET) only by a persistent one,
/// since their signatures are bound to the node's id. An ephemeral node answers those with
/// UNKNOWN_COMMAND, and so does a node asked for a plugin (it has none).
/// </summary>
public sealed class HyperDhtFamily
{
    private readonly DhtNode _node;

    /// <summary>The family for <paramref name="node"/>, with hyperdht's limits unless <paramref name="options"/> says otherwise.</summary>
    public HyperDhtFamily(DhtNode node, HyperDhtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
        var o = options ?? new HyperDhtOptions();
        var time = o.Time ?? node.Options.TimeProvider;
        Router = new HyperDhtRouter(o, time, Stats);
        Records = new HyperDhtRecords(o, Router, time, Stats);
    }

    /// <summary>What the family has served and refused.</summary>
    public HyperDhtStats Stats { get; } = new();

    /// <summary>The servers announced at this node and the relaying of their handshakes.</summary>
    public HyperDhtRouter Router { get; }

    /// <summary>Announced peers and stored values.</summary>
    public HyperDhtRecords Records { get; }

    /// <summary>Installs the family's commands in <paramref name="table"/>, replacing what was there on 0–10.</summary>
    public void Install(CommandTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Set(HyperDhtCommands.PeerHandshake, Router.OnPeerHandshake);
        table.Set(HyperDhtCommands.PeerHolepunch, Router.OnPeerHolepunch);
        table.Set(HyperDhtCommands.FindPeer, Persistent(Records.OnFindPeer));
        table.Set(HyperDhtCommands.Lookup, Persistent(Records.OnLookup));
        table.Set(HyperDhtCommands.Announce, Persistent(r => Records.OnAnnounce(r, _node.Id!.Value)));
        table.Set(HyperDhtCommands.Unannounce, Persistent(r => Records.OnUnannounce(r, _node.Id!.Value)));
        table.Set(HyperDhtCommands.MutablePut, Persistent(Records.OnMutablePut));
        table.Set(HyperDhtCommands.MutableGet, Persistent(Records.OnMutableGet));
        table.Set(HyperDhtCommands.ImmutablePut, Persistent(Records.OnImmutablePut));
        table.Set(HyperDhtCommands.ImmutableGet, Persistent(Records.OnImmutableGet));
        table.Set(HyperDhtCommands.Plugin, request => request.Error(ErrorCodes.UnknownCommand));
    }

    private Action<IncomingRequest> Persistent(Action<IncomingRequest> handler) => request =>
    {
        if (_node.Id is null)
        {
            request.Error(ErrorCodes.UnknownCommand);
            return;
        }

        handler(request);
    };

    /// <summary>The topic a server announces itself under: the BLAKE2b-256 hash of its public key.</summary>
    public static NodeId TopicOf(ReadOnlySpan<byte> publicKey) => NodeId.Read(HyperDhtSignatures.Hash(publicKey));
}
