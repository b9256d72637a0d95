using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>Who sent a relayed handshake or hole-punch message, as hyperdht numbers it.</summary>
public enum RelayMode : ulong
{
    /// <summary>Sent by the connecting client.</summary>
    FromClient = 0,

    /// <summary>Sent by the server that was announced.</summary>
    FromServer = 1,

    /// <summary>Forwarded by the first relaying node.</summary>
    FromRelay = 2,

    /// <summary>Forwarded by a second relaying node.</summary>
    FromSecondRelay = 3,

    /// <summary>The final reply to the client.</summary>
    Reply = 4,
}

/// <summary>A PEER_HANDSHAKE value. The Noise bytes are opaque to a relaying node.</summary>
public sealed record HandshakeMessage(RelayMode Mode, ReadOnlyMemory<byte> Noise, Ipv4Endpoint? PeerAddress, Ipv4Endpoint? RelayAddress)
{
    /// <summary>Decodes a value; null when malformed.</summary>
    public static HandshakeMessage? Decode(ReadOnlySpan<byte> value)
    {
        var reader = new CompactReader(value);
        if (!reader.TryReadVarint(out var flags) || !reader.TryReadVarint(out var mode) || !reader.TryReadBuffer(out var noise))
        {
            return null;
        }

        if (!RelayAddresses.TryRead(ref reader, (flags & 1) != 0, out var peer) || !RelayAddresses.TryRead(ref reader, (flags & 2) != 0, out var relay))
        {
            return null;
        }

        return new HandshakeMessage((RelayMode)mode, noise.ToArray(), peer, relay);
    }

    /// <summary>The value as hyperdht encodes it.</summary>
    public byte[] Encode()
    {
        var flags = (PeerAddress is null ? 0UL : 1) | (RelayAddress is null ? 0UL : 2);
        var size = 1 + CompactWriter.VarintSize((ulong)Mode) + CompactWriter.BufferSize(Noise.Length) + RelayAddresses.Size(PeerAddress) + RelayAddresses.Size(RelayAddress);
        var bytes = new byte[size];
        var writer = new CompactWriter(bytes);
        writer.WriteVarint(flags);
        writer.WriteVarint((ulong)Mode);
        writer.WriteBuffer(Noise.Span);
        RelayAddresses.Write(ref writer, PeerAddress);
        RelayAddresses.Write(ref writer, RelayAddress);
        return bytes;
    }
}

/// <summary>A PEER_HOLEPUNCH value. The payload is opaque to a relaying node.</summary>
public sealed record HolepunchMessage(RelayMode Mode, ulong Id, ReadOnlyMemory<byte> Payload, Ipv4Endpoint? PeerAddress)
{
    /// <summary>Decodes a value; null when malformed.</summary>
    public static HolepunchMessage? Decode(ReadOnlySpan<byte> value)
    {
        var reader = new CompactReader(value);
        if (!reader.TryReadVarint(out var flags) || !reader.TryReadVarint(out var mode) || !reader.TryReadVarint(out var id) || !reader.TryReadBuffer(out var payload))
        {
            return null;
        }

        if (!RelayAddresses.TryRead(ref reader, (flags & 1) != 0, out var peer))
        {
            return null;
        }

        return new HolepunchMessage((RelayMode)mode, id, payload.ToArray(), peer);
    }

    /// <summary>The value as hyperdht encodes it.</summary>
    public byte[] Encode()
    {
        var size = 1 + CompactWriter.VarintSize((ulong)Mode) + CompactWriter.VarintSize(Id) + CompactWriter.BufferSize(Payload.Length) + RelayAddresses.Size(PeerAddress);
        var bytes = new byte[size];
        var writer = new CompactWriter(bytes);
        writer.WriteVarint(PeerAddress is null ? 0UL : 1);
        writer.WriteVarint((ulong)Mode);
        writer.WriteVarint(Id);
        writer.WriteBuffer(Payload.Span);
        RelayAddresses.Write(ref writer, PeerAddress);
        return bytes;
    }
}

/// <summary>The optional addresses of relay messages: present when their flag bit is set.</summary>
internal static class RelayAddresses
{
    public static bool TryRead(ref CompactReader reader, bool present, out Ipv4Endpoint? address)
    {
        address = null;
        if (!present)
        {
            return true;
        }

        if (!reader.TryReadIpv4(out var endpoint))
        {
            return false;
        }

        address = endpoint;
        return true;
    }

    public static int Size(Ipv4Endpoint? address) => address is null ? 0 : Ipv4Endpoint.EncodedSize;

    public static void Write(ref CompactWriter writer, Ipv4Endpoint? address)
    {
        if (address is { } a)
        {
            writer.WriteIpv4(a);
        }
    }
}
