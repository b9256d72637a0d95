using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Crypto;

/// <summary>BLAKE2b-256 as libsodium's crypto_generichash computes it, plain and keyed.</summary>
public static class Blake2b
{
    private static readonly HashAlgorithm Hash256 = HashAlgorithm.Blake2b_256;
    private static readonly MacAlgorithm KeyedHash256 = MacAlgorithm.Blake2b_256;

    /// <summary>Writes the 32-byte hash of <paramref name="data"/> to the start of <paramref name="digest"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest) => Hash256.Hash(data, digest[..32]);

    /// <summary>The hash of <paramref name="data"/> read as a node id.</summary>
    public static NodeId HashToId(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        Hash256.Hash(data, digest);
        return NodeId.Read(digest);
    }

    /// <summary>Node id of an address: BLAKE2b-256 over its 6-byte wire encoding.</summary>
    public static NodeId NodeIdOf(in Ipv4Endpoint endpoint)
    {
        Span<byte> address = stackalloc byte[Ipv4Endpoint.EncodedSize];
        endpoint.WriteTo(address);
        return HashToId(address);
    }

    /// <summary>Keyed BLAKE2b-256 (key of 16..64 bytes).</summary>
    public static void KeyedHash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        using var macKey = Key.Import(KeyedHash256, key, KeyBlobFormat.RawSymmetricKey);
        KeyedHash256.Mac(macKey, data, digest[..32]);
    }
}
