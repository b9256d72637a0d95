using System.Security.Cryptography;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Crypto;

/// <summary>
/// The two rotating secrets behind round-trip tokens: token(host) = keyed BLAKE2b-256 over the
/// requester's dotted-quad host text. Slot 1 ("current") signs outgoing tokens; both slots verify.
/// </summary>
internal sealed class TokenSecrets : IDisposable
{
    public const int Size = 32;

    /// <summary>Maintenance ticks (750 ms each) between rotations: 7.5 s.</summary>
    public const int RotationInterval = 10;

    private static readonly MacAlgorithm Algorithm = MacAlgorithm.Blake2b_256;

    private readonly byte[] _previous = new byte[Size];
    private readonly byte[] _current = new byte[Size];
    private Key? _previousKey;
    private Key? _currentKey;
    private int _countdown = RotationInterval;

    /// <summary>Creates secrets from a CSPRNG.</summary>
    public TokenSecrets()
    {
        SecureRandom.Fill(_previous);
        SecureRandom.Fill(_current);
        ImportKeys();
    }

    /// <summary>Creates secrets with known values (tests and vectors).</summary>
    public TokenSecrets(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> current)
    {
        previous.CopyTo(_previous);
        current.CopyTo(_current);
        ImportKeys();
    }

    public ReadOnlySpan<byte> Previous => _previous;

    public ReadOnlySpan<byte> Current => _current;

    /// <summary>Writes the token for <paramref name="host"/> under the current secret.</summary>
    public void Create(in Ipv4Endpoint host, Span<byte> token) => Compute(_currentKey!, host, token);

    public bool Verify(in Ipv4Endpoint host, ReadOnlySpan<byte> token)
    {
        if (token.Length != Size)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[Size];
        Compute(_currentKey!, host, expected);
        if (CryptographicOperations.FixedTimeEquals(expected, token))
        {
            return true;
        }

        Compute(_previousKey!, host, expected);
        return CryptographicOperations.FixedTimeEquals(expected, token);
    }

    /// <summary>Called every maintenance tick; every tenth call swaps the slots and rehashes the new current.</summary>
    public void OnMaintenanceTick()
    {
        if (--_countdown > 0)
        {
            return;
        }

        _countdown = RotationInterval;
        Rotate();
    }

    /// <summary>previous ← current; current ← BLAKE2b-256(old previous).</summary>
    public void Rotate()
    {
        Span<byte> oldPrevious = stackalloc byte[Size];
        _previous.CopyTo(oldPrevious);
        _current.CopyTo(_previous.AsSpan());
        Blake2b.Hash(oldPrevious, _current);
        ImportKeys();
    }

    public static void Compute(ReadOnlySpan<byte> secret, in Ipv4Endpoint host, Span<byte> token)
    {
        Span<byte> text = stackalloc byte[15];
        var length = host.WriteHostAscii(text);
        Blake2b.KeyedHash(secret, text[..length], token);
    }

    public void Dispose()
    {
        _previousKey?.Dispose();
        _currentKey?.Dispose();
    }

    private static void Compute(Key key, in Ipv4Endpoint host, Span<byte> token)
    {
        Span<byte> text = stackalloc byte[15];
        var length = host.WriteHostAscii(text);
        Algorithm.Mac(key, text[..length], token[..Size]);
    }

    private void ImportKeys()
    {
        _previousKey?.Dispose();
        _currentKey?.Dispose();
        _previousKey = Key.Import(Algorithm, _previous, KeyBlobFormat.RawSymmetricKey);
        _currentKey = Key.Import(Algorithm, _current, KeyBlobFormat.RawSymmetricKey);
    }
}
