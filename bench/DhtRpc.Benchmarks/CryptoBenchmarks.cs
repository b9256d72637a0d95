using BenchmarkDotNet.Attributes;
using DhtRpc.Crypto;
using DhtRpc.Wire;

namespace DhtRpc.Benchmarks;

/// <summary>Node id of an address (BLAKE2b-256 of 6 bytes) and round-trip tokens (keyed BLAKE2b of the host text).</summary>
[MemoryDiagnoser]
public class CryptoBenchmarks
{
    private static readonly Ipv4Endpoint Address = new(0xC0A80101, 49737);
    private readonly byte[] _token = new byte[TokenSecrets.Size];
    private readonly byte[] _previousToken = new byte[TokenSecrets.Size];
    private TokenSecrets _secrets = null!;

    [GlobalSetup]
    public void Setup()
    {
        _secrets = new TokenSecrets();
        _secrets.Create(Address, _previousToken);
        _secrets.Rotate();
        _secrets.Create(Address, _token);
    }

    [GlobalCleanup]
    public void Cleanup() => _secrets.Dispose();

    [Benchmark]
    public NodeId NodeIdOfAddress() => Blake2b.NodeIdOf(Address);

    [Benchmark]
    public byte TokenCreate()
    {
        Span<byte> token = stackalloc byte[TokenSecrets.Size];
        _secrets.Create(Address, token);
        return token[0];
    }

    [Benchmark]
    public bool TokenVerifyCurrent() => _secrets.Verify(Address, _token);

    /// <summary>A token from before the last rotation: two MACs.</summary>
    [Benchmark]
    public bool TokenVerifyPrevious() => _secrets.Verify(Address, _previousToken);
}
