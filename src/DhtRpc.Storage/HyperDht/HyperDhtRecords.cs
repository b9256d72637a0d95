using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// The records a persistent hyperdht node keeps: announced peers per topic (and servers announced under
/// their own key, through the router), mutable values signed by their owner, immutable values by hash.
/// Every write is checked as hyperdht checks it: a valid token, a signature bound to this node's id and
/// that token, the target being the hash of the key or value; a refused request gets an error code.
/// </summary>
public sealed class HyperDhtRecords
{
    private static readonly ReplyOptions Ack = new() { Token = false, CloserNodes = false };

    private readonly HyperDhtOptions _options;
    private readonly HyperDhtRouter _router;
    private readonly HyperDhtStats _stats;
    private readonly TimeProvider _time;
    private readonly PeerRecordCache _records;
    private readonly GenerationalCache<NodeId, ulong> _bumps;
    private readonly GenerationalCache<NodeId, Refreshable> _refreshes;
    private readonly GenerationalCache<NodeId, byte[]> _mutables;
    private readonly GenerationalCache<NodeId, byte[]> _immutables;

    /// <summary>Empty caches sized and aged as <paramref name="options"/> says.</summary>
    public HyperDhtRecords(HyperDhtOptions options, HyperDhtRouter router, TimeProvider time, HyperDhtStats stats)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _router = router;
        _stats = stats;
        _time = time;
        _records = new PeerRecordCache(options.MaxSize, options.MaxAge, time);
        _bumps = new GenerationalCache<NodeId, ulong>(options.MaxSize, options.MaxAge, time);
        _refreshes = new GenerationalCache<NodeId, Refreshable>(options.MaxSize, options.MaxAge, time);
        _mutables = new GenerationalCache<NodeId, byte[]>(Math.Max(1, options.MaxSize / 2), options.ValueMaxAge, time);
        _immutables = new GenerationalCache<NodeId, byte[]>(Math.Max(1, options.MaxSize / 2), options.ValueMaxAge, time);
    }

    /// <summary>Answers LOOKUP with the topic's records (and an announced server's), or an empty reply.</summary>
    public void OnLookup(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not { } target)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        var records = _records.Get(target, _options.LookupRecords);
        if (_router.Get(target) is { } forward && records.Count < _options.LookupRecords)
        {
            records.Add(forward.Record);
        }

        var bump = _bumps.TryGet(target, out var b) ? b : 0;
        request.Reply(records.Count > 0 ? LookupReply.Encode(records, bump) : null);
        _stats.Lookups++;
    }

    /// <summary>Answers FIND_PEER with the record of the server announced under the target, or an empty reply.</summary>
    public void OnFindPeer(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not { } target)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        request.Reply(_router.Get(target)?.Record);
        _stats.Lookups++;
    }

    /// <summary>Stores a signed announce, or follows a refresh token to the announce it renews.</summary>
    public void OnAnnounce(IncomingRequest request, NodeId nodeId)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadSigned(request, out var target, out var announce))
        {
            return;
        }

        if (announce.Peer is not { } peer)
        {
            if (announce.Refresh is { } refresh)
            {
                OnRefresh(request, refresh);
            }
            else
            {
                Refuse(request, HyperDhtRefusals.Malformed);
            }

            return;
        }

        if (!Verifies(request, target, nodeId, announce, HyperDhtNamespaces.Announce.Span))
        {
            return;
        }

        if (peer.RelayAddresses.Count > _options.MaxRelayAddresses)
        {
            peer = peer with { RelayAddresses = [.. peer.RelayAddresses.Take(_options.MaxRelayAddresses)] };
        }

        var record = peer.Encode();
        var announceSelf = IsHashOf(peer.PublicKey, target);
        Keep(request, target, record, announceSelf);
        if (!announceSelf)
        {
            var now = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
            var current = _bumps.TryGet(target, out var b) ? b : 0;
            if (announce.Bump > current && announce.Bump <= now + (ulong)_options.MaxBumpDrift.TotalMilliseconds)
            {
                _bumps.Set(target, announce.Bump);
            }
        }

        if (announce.Refresh is { } next)
        {
            _refreshes.Set(NodeId.Read(next), new Refreshable(target, record, announceSelf));
        }

        request.Reply(null, Ack);
        _stats.Announces++;
    }

    /// <summary>Removes a record whose owner signed its removal.</summary>
    public void OnUnannounce(IncomingRequest request, NodeId nodeId)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadSigned(request, out var target, out var announce))
        {
            return;
        }

        if (announce.Peer is not { } peer || announce.Signature is null)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        if (!Verifies(request, target, nodeId, announce, HyperDhtNamespaces.Unannounce.Span))
        {
            return;
        }

        if (IsHashOf(peer.PublicKey, target))
        {
            _router.Delete(target);
        }

        _records.Remove(target, NodeId.Read(peer.PublicKey));
        request.Reply(null, Ack);
        _stats.Unannounces++;
    }

    /// <summary>Answers MUTABLE_GET with the stored value when its sequence is at least the one asked for.</summary>
    public void OnMutableGet(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not { } target || request.Value is null || !TryReadSeq(request.Value, out var seq))
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        byte[]? reply = null;
        if (_mutables.TryGet(target, out var stored) && TryReadSeq(stored, out var localSeq) && localSeq >= seq)
        {
            reply = stored;
        }

        request.Reply(reply);
        _stats.ValueGets++;
    }

    /// <summary>Stores a signed mutable value under the hash of its public key, newest sequence wins.</summary>
    public void OnMutablePut(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadWrite(request, out var target, out var value))
        {
            return;
        }

        if (MutableRecord.DecodePut(value) is not { Value.Length: > 0 } put)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        if (!IsHashOf(put.PublicKey, target))
        {
            Refuse(request, HyperDhtRefusals.WrongTarget);
            return;
        }

        if (!HyperDhtSignatures.Verify(put.PublicKey, HyperDhtSignatures.MutableSignable(put.Seq, put.Value), put.Signature))
        {
            Refuse(request, HyperDhtRefusals.BadSignature);
            return;
        }

        if (_mutables.TryGet(target, out var local) && MutableRecord.DecodeGetReply(local, put.PublicKey) is { } existing)
        {
            if (existing.Seq == put.Seq && !existing.Value.AsSpan().SequenceEqual(put.Value))
            {
                Refuse(request, HyperDhtErrors.SeqReused);
                return;
            }

            if (put.Seq < existing.Seq)
            {
                Refuse(request, HyperDhtErrors.SeqTooLow);
                return;
            }
        }

        _mutables.Set(target, put.EncodeGetReply());
        request.Reply(null);
        _stats.MutablePuts++;
    }

    /// <summary>Answers IMMUTABLE_GET with the value stored under the hash, or an empty reply.</summary>
    public void OnImmutableGet(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not { } target)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        request.Reply(_immutables.TryGet(target, out var value) ? value : null);
        _stats.ValueGets++;
    }

    /// <summary>Stores a value under its BLAKE2b-256 hash.</summary>
    public void OnImmutablePut(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadWrite(request, out var target, out var value))
        {
            return;
        }

        if (!IsHashOf(value, target))
        {
            Refuse(request, HyperDhtRefusals.WrongTarget);
            return;
        }

        _immutables.Set(target, value);
        request.Reply(null);
        _stats.ImmutablePuts++;
    }

    private void OnRefresh(IncomingRequest request, byte[] token)
    {
        // A refresh token is the preimage of the one the previous announce named: a hash chain only the announcer can walk.
        var named = NodeId.Read(HyperDhtSignatures.Hash(token));
        if (!_refreshes.TryGet(named, out var refreshable))
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return;
        }

        Keep(request, refreshable.Target, refreshable.Record, refreshable.AnnounceSelf);
        _refreshes.Remove(named);
        _refreshes.Set(NodeId.Read(token), refreshable);
        request.Reply(null, Ack);
        _stats.Announces++;
    }

    private void Keep(IncomingRequest request, NodeId target, byte[] record, bool announceSelf)
    {
        var publicKey = NodeId.Read(record.AsSpan(0, 32));
        if (announceSelf)
        {
            _router.Set(target, new Forward(request.From.Endpoint, record));
            _records.Remove(target, publicKey);
        }
        else
        {
            _records.Add(target, publicKey, record);
        }
    }

    private bool TryReadSigned(IncomingRequest request, out NodeId target, out AnnounceMessage announce)
    {
        target = default;
        announce = null!;
        if (request.Token is null)
        {
            Refuse(request, ErrorCodes.InvalidToken);
            return false;
        }

        if (request.Target is not { } t || request.Value is null || AnnounceMessage.Decode(request.Value) is not { } a)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return false;
        }

        target = t;
        announce = a;
        return true;
    }

    private bool Verifies(IncomingRequest request, NodeId target, NodeId nodeId, AnnounceMessage announce, ReadOnlySpan<byte> ns)
    {
        var peer = announce.Peer!;
        var signable = HyperDhtSignatures.AnnounceSignable(ns, target.ToArray(), nodeId.ToArray(), request.Token, peer.Encode(), announce.Refresh);
        if (announce.Signature is { } signature && HyperDhtSignatures.Verify(peer.PublicKey, signable, signature))
        {
            return true;
        }

        Refuse(request, HyperDhtRefusals.BadSignature);
        return false;
    }

    private bool TryReadWrite(IncomingRequest request, out NodeId target, out byte[] value)
    {
        target = default;
        value = [];
        if (request.Token is null)
        {
            Refuse(request, ErrorCodes.InvalidToken);
            return false;
        }

        if (request.Target is not { } t || request.Value is not { Length: > 0 } v)
        {
            Refuse(request, HyperDhtRefusals.Malformed);
            return false;
        }

        if (v.Length > _options.MaxValueSize)
        {
            Refuse(request, HyperDhtRefusals.ValueTooLarge);
            return false;
        }

        target = t;
        value = v;
        return true;
    }

    private static bool TryReadSeq(ReadOnlySpan<byte> value, out ulong seq) => new CompactReader(value).TryReadVarint(out seq);

    private static bool IsHashOf(ReadOnlySpan<byte> data, NodeId target) => NodeId.Read(HyperDhtSignatures.Hash(data)) == target;

    private void Refuse(IncomingRequest request, ulong code)
    {
        request.Error(code);
        _stats.Refused++;
    }

    private sealed record Refreshable(NodeId Target, byte[] Record, bool AnnounceSelf);
}
