namespace DhtRpc.Storage.Protocol;

/// <summary>
/// The reply value of <see cref="StorageCommands.WarehouseGetVerifiable"/>: one kind byte, then either the
/// payload of an unsigned item (kind 0) or the owner's signed envelope exactly as it was stored (kind 1),
/// which a reader verifies with <see cref="SignedEnvelope.Verify"/> for <see cref="SignedEnvelope.Purpose.Store"/>.
/// </summary>
public static class VerifiableReply
{
    /// <summary>Kind byte of an unsigned item: the payload follows.</summary>
    public const byte UnsignedKind = 0;

    /// <summary>Kind byte of a signed item: the signed envelope follows.</summary>
    public const byte SignedKind = 1;

    /// <summary>The reply for an unsigned item.</summary>
    public static byte[] ForUnsigned(ReadOnlySpan<byte> payload)
    {
        var value = new byte[1 + payload.Length];
        value[0] = UnsignedKind;
        payload.CopyTo(value.AsSpan(1));
        return value;
    }

    /// <summary>The reply for a signed item: its envelope rebuilt from the stored parts.</summary>
    public static byte[] ForSigned(ReadOnlySpan<byte> publicKey, ulong sequence, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> payload)
    {
        var envelope = SignedEnvelope.Assemble(publicKey, sequence, signature, payload);
        var value = new byte[1 + envelope.Length];
        value[0] = SignedKind;
        envelope.CopyTo(value.AsSpan(1));
        return value;
    }

    /// <summary>
    /// Splits a reply: false for an empty or unknown reply. <paramref name="envelope"/> is set for a signed
    /// item (not yet verified), <paramref name="payload"/> for an unsigned one.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out byte[]? payload, out SignedEnvelope? envelope)
    {
        payload = null;
        envelope = null;
        if (value.IsEmpty)
        {
            return false;
        }

        switch (value[0])
        {
            case UnsignedKind:
                payload = value[1..].ToArray();
                return true;
            case SignedKind:
                return SignedEnvelope.TryParse(value[1..], out envelope);
            default:
                return false;
        }
    }
}
