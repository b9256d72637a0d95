using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace DhtRpc.Crypto;

/// <summary>
/// Cryptographic random bytes from libsodium, which the node loads anyway for BLAKE2b. .NET's own
/// generator would load OpenSSL first (about 10 ms at start-up, felt by every one-shot client);
/// it is the fallback where libsodium's entry point cannot be found.
/// </summary>
internal static partial class SecureRandom
{
    private static bool _sodiumMissing;

    public static void Fill(Span<byte> bytes)
    {
        if (!_sodiumMissing)
        {
            try
            {
                RandomBytes(ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _sodiumMissing = true;
            }
        }

        RandomNumberGenerator.Fill(bytes);
    }

    [LibraryImport("libsodium", EntryPoint = "randombytes_buf")]
    private static partial void RandomBytes(ref byte buffer, nuint size);
}
