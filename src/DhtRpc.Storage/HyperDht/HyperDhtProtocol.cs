using System.Text;
using NSec.Cryptography;

namespace DhtRpc.Storage.HyperDht;

/// <summary>The user command numbers of hyperdht's family (they overlap the study's content store 0/1).</summary>
public static class HyperDhtCommands
{
    /// <summary>A client's Noise handshake towards a server announced at the node (relayed, never decrypted).</summary>
    public const ulong PeerHandshake = 0;

    /// <summary>A hole-punch round between a client and a server announced at the node (relayed).</summary>
    public const ulong PeerHolepunch = 1;

    /// <summary>Asks for the record of a server that announced itself at the node.</summary>
    public const ulong FindPeer = 2;

    /// <summary>Asks for the peer records announced under a topic.</summary>
    public const ulong Lookup = 3;

    /// <summary>Stores a signed peer record under a topic.</summary>
    public const ulong Announce = 4;

    /// <summary>Removes a signed peer record from a topic.</summary>
    public const ulong Unannounce = 5;

    /// <summary>Stores a signed, sequenced value under the hash of its public key.</summary>
    public const ulong MutablePut = 6;

    /// <summary>Reads a mutable value at or above a sequence number.</summary>
    public const ulong MutableGet = 7;

    /// <summary>Stores a value under its BLAKE2b-256 hash.</summary>
    public const ulong ImmutablePut = 8;

    /// <summary>Reads a value by its BLAKE2b-256 hash.</summary>
    public const ulong ImmutableGet = 9;

    /// <summary>Plugin requests; a node without plugins ignores them.</summary>
    public const ulong Plugin = 10;
}

/// <summary>Error codes hyperdht nodes reply with.</summary>
public static class HyperDhtErrors
{
    /// <summary>A mutable put reused the stored sequence number for a different value.</summary>
    public const ulong SeqReused = 16;

    /// <summary>A mutable put carried a sequence number below the stored one.</summary>
    public const ulong SeqTooLow = 17;
}

/// <summary>
/// The 32-byte namespaces hyperdht signs under: BLAKE2b-256 of the name "hyperswarm/dht", then, per
/// command, BLAKE2b-256 of that hash followed by the command's number as one byte.
/// </summary>
public static class HyperDhtNamespaces
{
    private const string Name = "hyperswarm/dht";

    /// <summary>The namespace of announce signatures.</summary>
    public static ReadOnlyMemory<byte> Announce { get; } = Of(HyperDhtCommands.Announce);

    /// <summary>The namespace of unannounce signatures.</summary>
    public static ReadOnlyMemory<byte> Unannounce { get; } = Of(HyperDhtCommands.Unannounce);

    /// <summary>The namespace of mutable value signatures.</summary>
    public static ReadOnlyMemory<byte> MutablePut { get; } = Of(HyperDhtCommands.MutablePut);

    private static byte[] Of(ulong command)
    {
        Span<byte> prefix = stackalloc byte[33];
        HashAlgorithm.Blake2b_256.Hash(Encoding.UTF8.GetBytes(Name), prefix[..32]);
        prefix[32] = (byte)command;
        return HashAlgorithm.Blake2b_256.Hash(prefix);
    }
}
