using System.Collections.Concurrent;
using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Storage.HyperDht;

/// <summary>What a put or announce did: the target, and the closest nodes that stored it or refused (with their code).</summary>
/// <param name="Target">The 32-byte key the record lives under.</param>
/// <param name="StoredOn">Closest nodes that acknowledged.</param>
/// <param name="Refused">Closest nodes that answered with an error code, and the code.</param>
public sealed record HyperDhtPut(NodeId Target, IReadOnlyList<Ipv4Endpoint> StoredOn, IReadOnlyList<(Ipv4Endpoint Node, ulong Code)> Refused);

/// <summary>
/// hyperdht's record operations from a .NET node, on any network whose nodes serve the family (JS
/// hyperdht nodes or ours): immutable and mutable put/get, announce and lookup. Each put is a query
/// for the target followed by a signed commit to the closest nodes, as hyperdht does; each get checks
/// what it receives (hash or signature) and ignores what does not verify.
/// </summary>
public sealed class HyperDhtClient
{
    private readonly DhtNode _node;

    /// <summary>A client sending through <paramref name="node"/>.</summary>
    public HyperDhtClient(DhtNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
    }

    /// <summary>Stores <paramref name="value"/> under its BLAKE2b-256 hash on the closest nodes.</summary>
    public Task<HyperDhtPut> ImmutablePutAsync(byte[] value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var target = NodeId.Read(HyperDhtSignatures.Hash(value));
        return PutAsync(target, HyperDhtCommands.ImmutableGet, null, HyperDhtCommands.ImmutablePut, _ => value, cancellationToken);
    }

    /// <summary>The value stored under <paramref name="hash"/>, checked against it; null when no node has it.</summary>
    public async Task<byte[]?> ImmutableGetAsync(NodeId hash, CancellationToken cancellationToken = default)
    {
        var query = _node.Query(hash, HyperDhtCommands.ImmutableGet);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Error == 0 && reply.Value is { } value && NodeId.Read(HyperDhtSignatures.Hash(value)) == hash)
            {
                await query.StopAsync().ConfigureAwait(true);
                return value;
            }
        }

        return null;
    }

    /// <summary>Signs <paramref name="value"/> with sequence <paramref name="seq"/> and stores it under the hash of the key's public key.</summary>
    public Task<HyperDhtPut> MutablePutAsync(Key key, byte[] value, ulong seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, HyperDhtSignatures.MutableSignable(seq, value));
        var put = new MutableRecord(publicKey, seq, value, signature).EncodePut();
        return PutAsync(HyperDhtFamily.TopicOf(publicKey), HyperDhtCommands.MutableGet, [0], HyperDhtCommands.MutablePut, _ => put, cancellationToken);
    }

    /// <summary>The highest-sequence value signed by <paramref name="publicKey"/> that any node returns, at least <paramref name="minSeq"/>; null when none verifies.</summary>
    public async Task<MutableRecord?> MutableGetAsync(byte[] publicKey, ulong minSeq = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var seqValue = new byte[CompactWriter.VarintSize(minSeq)];
        var writer = new CompactWriter(seqValue);
        writer.WriteVarint(minSeq);
        MutableRecord? best = null;
        var query = _node.Query(HyperDhtFamily.TopicOf(publicKey), HyperDhtCommands.MutableGet, seqValue);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Error != 0 || reply.Value is null || MutableRecord.DecodeGetReply(reply.Value, publicKey) is not { } record)
            {
                continue;
            }

            if (record.Seq >= minSeq && (best is null || record.Seq > best.Seq)
                && HyperDhtSignatures.Verify(publicKey, HyperDhtSignatures.MutableSignable(record.Seq, record.Value), record.Signature))
            {
                best = record;
            }
        }

        return best;
    }

    /// <summary>Announces the key's holder under <paramref name="topic"/> at the closest nodes, reachable through <paramref name="relayAddresses"/>.</summary>
    public Task<HyperDhtPut> AnnounceAsync(NodeId topic, Key key, IReadOnlyList<Ipv4Endpoint>? relayAddresses = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var peer = new PeerRecord(key.PublicKey.Export(KeyBlobFormat.RawPublicKey), relayAddresses ?? []);
        var encodedPeer = peer.Encode();
        return PutAsync(topic, HyperDhtCommands.Lookup, null, HyperDhtCommands.Announce, reply =>
        {
            // The signature binds the announce to the node that stores it and the token it gave.
            var nodeId = reply.From.Id ?? throw new InvalidOperationException($"{reply.From.Endpoint} has no id to sign for.");
            var signable = HyperDhtSignatures.AnnounceSignable(HyperDhtNamespaces.Announce.Span, topic.ToArray(), nodeId.ToArray(), reply.Token, encodedPeer, default);
            return new AnnounceMessage(peer, null, SignatureAlgorithm.Ed25519.Sign(key, signable), 0).Encode();
        }, cancellationToken);
    }

    /// <summary>The peers announced under <paramref name="topic"/> on any node the lookup reaches, one per public key.</summary>
    public async Task<IReadOnlyList<PeerRecord>> LookupAsync(NodeId topic, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<NodeId, PeerRecord>();
        var query = _node.Query(topic, HyperDhtCommands.Lookup);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Error == 0 && reply.Value is { } value && LookupReply.Decode(value) is { } decoded)
            {
                foreach (var peer in decoded.Peers)
                {
                    found.TryAdd(NodeId.Read(peer.PublicKey), peer);
                }
            }
        }

        return [.. found.Values];
    }

    private async Task<HyperDhtPut> PutAsync(NodeId target, ulong queryCommand, byte[]? queryValue, ulong putCommand, Func<DhtResponse, byte[]> valueFor, CancellationToken cancellationToken)
    {
        var stored = new ConcurrentQueue<Ipv4Endpoint>();
        var refused = new ConcurrentQueue<(Ipv4Endpoint, ulong)>();
        var query = _node.Query(target, queryCommand, queryValue, new QueryOptions
        {
            Commit = async (reply, _, ct) =>
            {
                if (reply.Token is null)
                {
                    refused.Enqueue((reply.From.Endpoint, ErrorCodes.InvalidToken));
                    return;
                }

                var response = await _node.RequestAsync(new DhtRequest(putCommand, target, valueFor(reply), reply.Token), reply.From.Endpoint, cancellationToken: ct).ConfigureAwait(true);
                if (response.Error == 0)
                {
                    stored.Enqueue(reply.From.Endpoint);
                }
                else
                {
                    refused.Enqueue((reply.From.Endpoint, response.Error));
                }
            },
        });
        using (cancellationToken.Register(() => _ = query.StopAsync()))
        {
            await query.Completion.ConfigureAwait(true);
        }

        return new HyperDhtPut(target, [.. stored], [.. refused]);
    }
}
