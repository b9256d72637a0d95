using NSec.Cryptography;

namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// What hyperdht signs, and the checks: a 64-byte message of a 32-byte namespace followed by a
/// BLAKE2b-256 hash of the fields, signed with Ed25519.
/// </summary>
public static class HyperDhtSignatures
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    /// <summary>The signed message of an announce or unannounce, bound to the topic, the receiving node's id and its token.</summary>
    public static byte[] AnnounceSignable(ReadOnlySpan<byte> ns, ReadOnlySpan<byte> target, ReadOnlySpan<byte> nodeId, ReadOnlySpan<byte> token, ReadOnlySpan<byte> encodedPeer, ReadOnlySpan<byte> refresh)
    {
        var signable = new byte[64];
        ns.CopyTo(signable);
        IncrementalHash.Initialize(HashAlgorithm.Blake2b_256, out var state);
        IncrementalHash.Update(ref state, target);
        IncrementalHash.Update(ref state, nodeId);
        IncrementalHash.Update(ref state, token);
        IncrementalHash.Update(ref state, encodedPeer);
        IncrementalHash.Update(ref state, refresh);
        IncrementalHash.Finalize(ref state, signable.AsSpan(32));
        return signable;
    }

    /// <summary>The signed message of a mutable value.</summary>
    public static byte[] MutableSignable(ulong seq, ReadOnlySpan<byte> value)
    {
        var signable = new byte[64];
        HyperDhtNamespaces.MutablePut.Span.CopyTo(signable);
        HashAlgorithm.Blake2b_256.Hash(MutableRecord.Signable(seq, value), signable.AsSpan(32));
        return signable;
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="publicKey"/>'s Ed25519 signature of <paramref name="message"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureSize || !PublicKey.TryImport(Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return Ed25519.Verify(key!, message, signature);
    }

    /// <summary>BLAKE2b-256 of the bytes: a public key's topic, or an immutable value's address.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data) => HashAlgorithm.Blake2b_256.Hash(data);
}
