using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>A peer record: a server's public key and up to a few addresses that relay for it.</summary>
/// <param name="PublicKey">The 32-byte Ed25519 public key.</param>
/// <param name="RelayAddresses">Nodes through which the server can be reached.</param>
public sealed record PeerRecord(byte[] PublicKey, IReadOnlyList<Ipv4Endpoint> RelayAddresses)
{
    /// <summary>The encoded size: the key, a count and six bytes per address.</summary>
    public int EncodedSize => 32 + CompactWriter.VarintSize((ulong)RelayAddresses.Count) + (RelayAddresses.Count * Ipv4Endpoint.EncodedSize);

    /// <summary>The record as hyperdht encodes it.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        var writer = new CompactWriter(bytes);
        Write(ref writer);
        return bytes;
    }

    internal void Write(ref CompactWriter writer)
    {
        writer.WriteFixed(PublicKey);
        writer.WriteVarint((ulong)RelayAddresses.Count);
        foreach (var address in RelayAddresses)
        {
            writer.WriteIpv4(address);
        }
    }

    internal static PeerRecord? Read(ref CompactReader reader)
    {
        if (!reader.TryReadFixed32(out var key) || !reader.TryReadIpv4Array(out var raw, out var count))
        {
            return null;
        }

        var addresses = new Ipv4Endpoint[count];
        for (var i = 0; i < count; i++)
        {
            addresses[i] = Ipv4Endpoint.Read(raw.Slice(i * Ipv4Endpoint.EncodedSize, Ipv4Endpoint.EncodedSize));
        }

        return new PeerRecord(key.ToArray(), addresses);
    }
}

/// <summary>An ANNOUNCE or UNANNOUNCE value: a peer record, a refresh token, a signature and a bump time.</summary>
public sealed record AnnounceMessage(PeerRecord? Peer, byte[]? Refresh, byte[]? Signature, ulong Bump)
{
    /// <summary>Decodes a value; null when it is malformed.</summary>
    public static AnnounceMessage? Decode(ReadOnlySpan<byte> value)
    {
        var reader = new CompactReader(value);
        if (!reader.TryReadVarint(out var flags))
        {
            return null;
        }

        PeerRecord? peer = null;
        if ((flags & 1) != 0 && (peer = PeerRecord.Read(ref reader)) is null)
        {
            return null;
        }

        byte[]? refresh = null;
        if ((flags & 2) != 0)
        {
            if (!reader.TryReadFixed32(out var r))
            {
                return null;
            }

            refresh = r.ToArray();
        }

        byte[]? signature = null;
        if ((flags & 4) != 0)
        {
            if (!reader.TryReadFixed(64, out var s))
            {
                return null;
            }

            signature = s.ToArray();
        }

        ulong bump = 0;
        if ((flags & 8) != 0 && !reader.TryReadVarint(out bump))
        {
            return null;
        }

        return new AnnounceMessage(peer, refresh, signature, bump);
    }

    /// <summary>The value as hyperdht encodes it.</summary>
    public byte[] Encode()
    {
        var flags = (Peer is null ? 0UL : 1) | (Refresh is null ? 0UL : 2) | (Signature is null ? 0UL : 4) | (Bump == 0 ? 0UL : 8);
        var size = 1 + (Peer?.EncodedSize ?? 0) + (Refresh is null ? 0 : 32) + (Signature is null ? 0 : 64) + (Bump == 0 ? 0 : CompactWriter.VarintSize(Bump));
        var bytes = new byte[size];
        var writer = new CompactWriter(bytes);
        writer.WriteVarint(flags);
        Peer?.Write(ref writer);
        if (Refresh is not null)
        {
            writer.WriteFixed(Refresh);
        }

        if (Signature is not null)
        {
            writer.WriteFixed(Signature);
        }

        if (Bump != 0)
        {
            writer.WriteVarint(Bump);
        }

        return bytes;
    }
}

/// <summary>A LOOKUP reply: the encoded peer records under a topic and the topic's bump time.</summary>
public static class LookupReply
{
    /// <summary>Encodes already-encoded records (hyperdht's raw array) followed by the bump.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> records, ulong bump)
    {
        ArgumentNullException.ThrowIfNull(records);
        var size = CompactWriter.VarintSize((ulong)records.Count) + records.Sum(r => r.Length) + CompactWriter.VarintSize(bump);
        var bytes = new byte[size];
        var writer = new CompactWriter(bytes);
        writer.WriteVarint((ulong)records.Count);
        foreach (var record in records)
        {
            writer.WriteFixed(record);
        }

        writer.WriteVarint(bump);
        return bytes;
    }

    /// <summary>Decodes a reply into its records and bump (0 when absent); null when malformed.</summary>
    public static (IReadOnlyList<PeerRecord> Peers, ulong Bump)? Decode(ReadOnlySpan<byte> value)
    {
        var reader = new CompactReader(value);
        if (!reader.TryReadVarint(out var count) || count > CompactReader.MaxArrayLength)
        {
            return null;
        }

        var peers = new List<PeerRecord>((int)Math.Min(count, 64));
        for (var i = 0UL; i < count; i++)
        {
            if (PeerRecord.Read(ref reader) is not { } peer)
            {
                return null;
            }

            peers.Add(peer);
        }

        ulong bump = 0;
        if (reader.Remaining > 0 && !reader.TryReadVarint(out bump))
        {
            return null;
        }

        return (peers, bump);
    }
}

/// <summary>A MUTABLE_PUT value; as stored and returned, the same without the public key.</summary>
public sealed record MutableRecord(byte[] PublicKey, ulong Seq, byte[] Value, byte[] Signature)
{
    /// <summary>Decodes a MUTABLE_PUT request value; null when malformed.</summary>
    public static MutableRecord? DecodePut(ReadOnlySpan<byte> value)
    {
        var reader = new CompactReader(value);
        if (!reader.TryReadFixed32(out var key))
        {
            return null;
        }

        return ReadRest(ref reader, key.ToArray());
    }

    /// <summary>Decodes a MUTABLE_GET reply (seq, value, signature); null when malformed.</summary>
    public static MutableRecord? DecodeGetReply(ReadOnlySpan<byte> value, byte[] publicKey)
    {
        var reader = new CompactReader(value);
        return ReadRest(ref reader, publicKey);
    }

    /// <summary>The MUTABLE_PUT request value.</summary>
    public byte[] EncodePut()
    {
        var bytes = new byte[32 + GetReplySize];
        var writer = new CompactWriter(bytes);
        writer.WriteFixed(PublicKey);
        WriteRest(ref writer);
        return bytes;
    }

    /// <summary>The MUTABLE_GET reply value.</summary>
    public byte[] EncodeGetReply()
    {
        var bytes = new byte[GetReplySize];
        var writer = new CompactWriter(bytes);
        WriteRest(ref writer);
        return bytes;
    }

    /// <summary>What the signature covers: the sequence number and the value.</summary>
    public static byte[] Signable(ulong seq, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[CompactWriter.VarintSize(seq) + CompactWriter.BufferSize(value.Length)];
        var writer = new CompactWriter(bytes);
        writer.WriteVarint(seq);
        writer.WriteBuffer(value);
        return bytes;
    }

    private int GetReplySize => CompactWriter.VarintSize(Seq) + CompactWriter.BufferSize(Value.Length) + 64;

    private void WriteRest(ref CompactWriter writer)
    {
        writer.WriteVarint(Seq);
        writer.WriteBuffer(Value);
        writer.WriteFixed(Signature);
    }

    private static MutableRecord? ReadRest(ref CompactReader reader, byte[] publicKey)
    {
        if (!reader.TryReadVarint(out var seq) || !reader.TryReadBuffer(out var value) || !reader.TryReadFixed(64, out var signature))
        {
            return null;
        }

        return new MutableRecord(publicKey, seq, value.ToArray(), signature.ToArray());
    }
}
