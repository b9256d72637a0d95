namespace DhtRpc.Wire;

/// <summary>
/// A REQUEST datagram as a view over its bytes (decode) or over the caller's spans (encode).
/// Optional 32-byte fields are absent when their span is empty; the value has its own presence flag
/// because an empty value is legal on the wire.
/// </summary>
internal ref struct RequestMessage
{
    public const int FlagId = 1;
    public const int FlagToken = 2;
    public const int FlagInternal = 4;
    public const int FlagTarget = 8;
    public const int FlagValue = 16;

    public ushort Tid { get; set; }
    public Ipv4Endpoint To { get; set; }
    public ReadOnlySpan<byte> Id { get; set; }
    public ReadOnlySpan<byte> Token { get; set; }
    public bool Internal { get; set; }
    public ulong Command { get; set; }
    public ReadOnlySpan<byte> Target { get; set; }
    public bool HasValue { get; set; }
    public ReadOnlySpan<byte> Value { get; set; }

    public readonly bool HasId => Id.Length == NodeId.Size;

    public readonly bool HasToken => Token.Length == NodeId.Size;

    public readonly bool HasTarget => Target.Length == NodeId.Size;

    public readonly int Flags =>
        (HasId ? FlagId : 0) | (HasToken ? FlagToken : 0) | (Internal ? FlagInternal : 0) |
        (HasTarget ? FlagTarget : 0) | (HasValue ? FlagValue : 0);

    public readonly int EncodedSize =>
        MessageType.HeaderSize + (HasId ? 32 : 0) + (HasToken ? 32 : 0) + CompactWriter.VarintSize(Command) +
        (HasTarget ? 32 : 0) + (HasValue ? CompactWriter.BufferSize(Value.Length) : 0);

    /// <summary>Decodes a datagram; false for anything that is not a well-formed request.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, out RequestMessage message)
    {
        message = default;
        var reader = new CompactReader(datagram);
        if (!reader.TryReadByte(out var type) || type != MessageType.Request ||
            !reader.TryReadVarint(out var flags) ||
            !reader.TryReadUInt16(out var tid) ||
            !reader.TryReadIpv4(out var to))
        {
            return false;
        }

        ReadOnlySpan<byte> id = default, token = default, target = default, value = default;
        if (((flags & FlagId) != 0 && !reader.TryReadFixed32(out id)) ||
            ((flags & FlagToken) != 0 && !reader.TryReadFixed32(out token)) ||
            !reader.TryReadVarint(out var command) ||
            ((flags & FlagTarget) != 0 && !reader.TryReadFixed32(out target)) ||
            ((flags & FlagValue) != 0 && !reader.TryReadBuffer(out value)))
        {
            return false;
        }

        message = new RequestMessage
        {
            Tid = tid,
            To = to,
            Id = id,
            Token = token,
            Internal = (flags & FlagInternal) != 0,
            Command = command,
            Target = target,
            HasValue = (flags & FlagValue) != 0,
            Value = value,
        };
        return true;
    }

    /// <summary>Encodes into <paramref name="destination"/> (at least <see cref="EncodedSize"/> bytes); returns the length.</summary>
    public readonly int Encode(Span<byte> destination)
    {
        var writer = new CompactWriter(destination);
        writer.WriteByte(MessageType.Request);
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

        writer.WriteVarint(Command);
        if (HasTarget)
        {
            writer.WriteFixed(Target);
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
