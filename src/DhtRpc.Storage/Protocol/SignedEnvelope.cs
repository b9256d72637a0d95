using System.Buffers.Binary;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Storage.Protocol;

/// <summary>
/// The value of an owner-signed warehouse request: Ed25519 public key (32) | sequence (uint64 LE) |
/// signature (64) | payload. The signature covers a purpose string, the target, the sequence and the
/// payload, so a store signature cannot be replayed as a delete or for another key.
/// </summary>
public sealed class SignedEnvelope
{
    /// <summary>Bytes before the payload: public key, sequence and signature.</summary>
    public const int HeaderSize = 32 + 8 + 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private SignedEnvelope(byte[] publicKey, ulong sequence, byte[] signature, byte[] payload)
    {
        PublicKey = publicKey;
        Sequence = sequence;
        Signature = signature;
        Payload = payload;
    }

    /// <summary>What a signature is for.</summary>
    public enum Purpose
    {
        /// <summary>Storing or replacing an item.</summary>
        Store,
        /// <summary>Deleting an item.</summary>
        Delete,
    }

    /// <summary>The signer's Ed25519 public key (32 bytes).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The version the signer gives this request; an update must carry a higher one.</summary>
    public ulong Sequence { get; }

    /// <summary>The Ed25519 signature (64 bytes) over purpose, target, sequence and payload.</summary>
    public byte[] Signature { get; }

    /// <summary>The value to store (empty for a delete).</summary>
    public byte[] Payload { get; }

    /// <summary>Splits a request value into its fields; false when it is shorter than the header. Does not verify the signature.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out SignedEnvelope? envelope)
    {
        envelope = null;
        if (value.Length < HeaderSize)
        {
            return false;
        }

        envelope = new SignedEnvelope(
            value[..32].ToArray(),
            BinaryPrimitives.ReadUInt64LittleEndian(value[32..40]),
            value[40..104].ToArray(),
            value[HeaderSize..].ToArray());
        return true;
    }

    /// <summary>Puts already-signed parts back together into an envelope (a holder answering a verifiable read).</summary>
    public static byte[] Assemble(ReadOnlySpan<byte> publicKey, ulong sequence, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> payload)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            throw new ArgumentException("An Ed25519 envelope needs a 32-byte public key and a 64-byte signature.", nameof(publicKey));
        }

        var value = new byte[HeaderSize + payload.Length];
        publicKey.CopyTo(value);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(32), sequence);
        signature.CopyTo(value.AsSpan(40));
        payload.CopyTo(value.AsSpan(HeaderSize));
        return value;
    }

    /// <summary>Builds a signed request value with <paramref name="key"/> (an Ed25519 key).</summary>
    public static byte[] Create(Key key, Purpose purpose, NodeId target, ulong sequence, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var signature = Algorithm.Sign(key, SignedBytes(purpose, target, sequence, payload));
        var value = new byte[HeaderSize + payload.Length];
        publicKey.CopyTo(value, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(32), sequence);
        signature.CopyTo(value, 40);
        payload.CopyTo(value.AsSpan(HeaderSize));
        return value;
    }

    /// <summary>A new Ed25519 key whose private part can be exported (to save it).</summary>
    public static Key CreateKey() =>
        Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    /// <summary>True when the signature is valid for <paramref name="purpose"/> on <paramref name="target"/> with this sequence and payload.</summary>
    public bool Verify(Purpose purpose, NodeId target)
    {
        NSec.Cryptography.PublicKey key;
        try
        {
            key = NSec.Cryptography.PublicKey.Import(Algorithm, PublicKey, KeyBlobFormat.RawPublicKey);
        }
        catch (FormatException)
        {
            return false;
        }

        return Algorithm.Verify(key, SignedBytes(purpose, target, Sequence, Payload), Signature);
    }

    private static byte[] SignedBytes(Purpose purpose, NodeId target, ulong sequence, ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> label = purpose == Purpose.Store ? "dht-rpc warehouse store\0"u8 : "dht-rpc warehouse delete\0"u8;
        var bytes = new byte[label.Length + NodeId.Size + 8 + payload.Length];
        label.CopyTo(bytes);
        target.WriteTo(bytes.AsSpan(label.Length));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(label.Length + NodeId.Size), sequence);
        payload.CopyTo(bytes.AsSpan(label.Length + NodeId.Size + 8));
        return bytes;
    }
}
