namespace DhtRpc.Wire;

/// <summary>
/// A RESPONSE datagram as a view over bytes. Closer nodes stay as raw 6-byte addresses; their ids
/// are never on the wire and are recomputed by whoever needs them.
/// </summary>
internal ref struct ResponseMessage
{
    public const int FlagId = 1;
    public const int FlagToken = 2;
    public const int FlagCloserNodes = 4;
    public const int FlagError = 8;
    public const int FlagValue = 16;

    public ushort Tid { get; set; }
    public Ipv4Endpoint To { get; set; }
    public ReadOnlySpan<byte> Id { get; set; }
    public ReadOnlySpan<byte> Token { get; set; }
    public ReadOnlySpan<byte> CloserNodesRaw { get; set; }
    public ulong Error { get; set; }
    public bool HasValue { get; set; }
    public ReadOnlySpan<byte> Value { get; set; }

    public readonly bool HasId => Id.Length == NodeId.Size;

    public readonly bool HasToken => Token.Length == NodeId.Size;

    public readonly int CloserNodeCount => CloserNodesRaw.Length / Ipv4Endpoint.EncodedSize;

    public readonly Ipv4Endpoint CloserNode(int index) =>
        Ipv4Endpoint.Read(CloserNodesRaw.Slice(index * Ipv4Endpoint.EncodedSize, Ipv4Endpoint.EncodedSize));

    public readonly int Flags =>
        (HasId ? FlagId : 0) | (HasToken ? FlagToken : 0) | (CloserNodesRaw.Length > 0 ? FlagCloserNodes : 0) |
        (Error > 0 ? FlagError : 0) | (HasValue ? FlagValue : 0);

    public readonly int EncodedSize =>
        MessageType.HeaderSize + (HasId ? 32 : 0) + (HasToken ? 32 : 0) +
        (CloserNodesRaw.Length > 0 ? CompactWriter.VarintSize((ulong)CloserNodeCount) + CloserNodesRaw.Length : 0) +
        (Error > 0 ? CompactWriter.VarintSize(Error) : 0) +
        (HasValue ? CompactWriter.BufferSize(Value.Length) : 0);

    /// <summary>Decodes a datagram; false for anything that is not a well-formed response.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, out ResponseMessage message)
    {
        message = default;
        var reader = new CompactReader(datagram);
        if (!reader.TryReadByte(out var type) || type != MessageType.Response ||
            !reader.TryReadVarint(out var flags) ||
            !reader.TryReadUInt16(out var tid) ||
            !reader.TryReadIpv4(out var to))
        {
            return false;
        }

        ReadOnlySpan<byte> id = default, token = default, closerNodes = default, value = default;
        ulong error = 0;
        if (((flags & FlagId) != 0 && !reader.TryReadFixed32(out id)) ||
            ((flags & FlagToken) != 0 && !reader.TryReadFixed32(out token)) ||
            ((flags & FlagCloserNodes) != 0 && !reader.TryReadIpv4Array(out closerNodes, out _)) ||
            ((flags & FlagError) != 0 && !reader.TryReadVarint(out error)) ||
            ((flags & FlagValue) != 0 && !reader.TryReadBuffer(out value)))
        {
            return false;
        }

        message = new ResponseMessage
        {
            Tid = tid,
            To = to,
            Id = id,
            Token = token,
            CloserNodesRaw = closerNodes,
            Error = error,
            HasValue = (flags & FlagValue) != 0,
            Value = value,
        };
        return true;
    }

    /// <summary>Encodes into <paramref name="destination"/> (at least <see cref="EncodedSize"/> bytes); returns the length.</summary>
    public readonly int Encode(Span<byte> destination)
    {
        var writer = new CompactWriter(destination);
        writer.WriteByte(MessageType.Response);
        writer.WriteVarint((ulong)Flags);
        writer.WriteUInt16(Tid);
        writer.WriteIpv4(To);
        if (HasId)
        {
            writer.WriteFixed(Id);
        }

        if (HasToken)
        {
            writer.WriteFixed(Token);
        }

        if (CloserNodesRaw.Length > 0)
        {
            writer.WriteVarint((ulong)CloserNodeCount);
            writer.WriteFixed(CloserNodesRaw);
        }

        if (Error > 0)
        {
            writer.WriteVarint(Error);
        }

        if (HasValue)
        {
            writer.WriteBuffer(Value);
        }

        return writer.Position;
    }

    public readonly byte[] ToArray()
    {
        var bytes = new byte[EncodedSize];
        Encode(bytes);
        return bytes;
    }
}
