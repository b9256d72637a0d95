namespace DhtRpc.Wire;

/// <summary>First byte of every datagram: high nibble = type, low two bits = version 3.</summary>
internal static class MessageType
{
    public const byte Version = 0b11;
    public const byte Request = (0 << 4) | Version;
    public const byte Response = (1 << 4) | Version;

    /// <summary>Bytes before any optional field: type, flags, tid (2), to (6).</summary>
    public const int HeaderSize = 1 + 1 + 2 + 6;
}
