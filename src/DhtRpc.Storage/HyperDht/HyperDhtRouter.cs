using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>A server announced at this node: where its announce came from, and its encoded record.</summary>
/// <param name="Relay">The address the announce arrived from: the server, or the node relaying for it.</param>
/// <param name="Record">The server's encoded peer record.</param>
public sealed record Forward(Ipv4Endpoint Relay, byte[] Record);

/// <summary>
/// Relays PEER_HANDSHAKE and PEER_HOLEPUNCH between clients and the servers announced at this node, as a
/// hyperdht node does. The Noise and hole-punch payloads pass through untouched: this node never
/// decrypts or answers for a server, it only forwards to the address the server announced from.
/// </summary>
public sealed class HyperDhtRouter
{
    private readonly GenerationalCache<NodeId, Forward> _forwards;
    private readonly HyperDhtStats _stats;

    /// <summary>A router whose forwards age out as <paramref name="options"/> says.</summary>
    public HyperDhtRouter(HyperDhtOptions options, TimeProvider time, HyperDhtStats stats)
    {
        ArgumentNullException.ThrowIfNull(options);
        _forwards = new GenerationalCache<NodeId, Forward>(options.MaxSize, options.MaxAge, time);
        _stats = stats;
    }

    /// <summary>Remembers (or refreshes) a server that announced itself under <paramref name="target"/>.</summary>
    public void Set(NodeId target, Forward forward) => _forwards.Set(target, forward);

    /// <summary>The server announced under <paramref name="target"/>, if any.</summary>
    public Forward? Get(NodeId target) => _forwards.TryGet(target, out var forward) ? forward : null;

    /// <summary>Forgets the server announced under <paramref name="target"/>.</summary>
    public void Delete(NodeId target) => _forwards.Remove(target);

    /// <summary>Handles a PEER_HANDSHAKE request.</summary>
    public void OnPeerHandshake(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Value is null || HandshakeMessage.Decode(request.Value) is not { } hs)
        {
            Refuse(request);
            return;
        }

        var relay = request.Target is { } target ? Get(target)?.Relay : null;
        switch (hs.Mode)
        {
            case RelayMode.FromClient when !hs.Noise.IsEmpty && relay is null && hs.RelayAddress is null:
                // No server here: tell the client so, with closer nodes to route on.
                request.Reply(null, new ReplyOptions { Token = false, CloserNodes = true });
                _stats.Unroutable++;
                return;
            case RelayMode.FromClient when !hs.Noise.IsEmpty:
                Relay(request, (hs with { Mode = RelayMode.FromRelay, PeerAddress = request.From.Endpoint, RelayAddress = null }).Encode(), hs.RelayAddress ?? relay!.Value);
                return;
            case RelayMode.FromRelay when relay is { } next && !hs.Noise.IsEmpty:
                Relay(request, (hs with { Mode = RelayMode.FromSecondRelay, RelayAddress = request.From.Endpoint }).Encode(), next);
                return;
            case RelayMode.FromServer when hs.PeerAddress is { } client && !hs.Noise.IsEmpty:
                request.Reply(
                    new HandshakeMessage(RelayMode.Reply, hs.Noise, request.From.Endpoint, null).Encode(),
                    new ReplyOptions { To = client, Token = false, CloserNodes = false });
                _stats.Relayed++;
                return;
            default:
                _stats.Unroutable++;
                return;
        }
    }

    /// <summary>Handles a PEER_HOLEPUNCH request.</summary>
    public void OnPeerHolepunch(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Value is null || HolepunchMessage.Decode(request.Value) is not { } hp)
        {
            Refuse(request);
            return;
        }

        var relay = request.Target is { } target ? Get(target)?.Relay : null;
        switch (hp.Mode)
        {
            case RelayMode.FromClient when (hp.PeerAddress ?? relay) is { } next:
                Relay(request, (hp with { Mode = RelayMode.FromRelay, PeerAddress = request.From.Endpoint }).Encode(), next);
                return;
            case RelayMode.FromServer:
                request.Reply(
                    new HolepunchMessage(RelayMode.Reply, hp.Id, hp.Payload, request.From.Endpoint).Encode(),
                    new ReplyOptions { To = hp.PeerAddress, Token = false, CloserNodes = false });
                _stats.Relayed++;
                return;
            default:
                // FROM_RELAY is for the server itself; this node hosts no server.
                _stats.Unroutable++;
                return;
        }
    }

    private void Relay(IncomingRequest request, byte[] value, Ipv4Endpoint to)
    {
        request.Relay(value, to);
        _stats.Relayed++;
    }

    private void Refuse(IncomingRequest request)
    {
        request.Error(HyperDhtRefusals.Malformed);
        _stats.Refused++;
    }
}
