using System.Security.Cryptography;
using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;

namespace DhtRpc.Storage.Tests.Chunking;

/// <summary>An in-memory block store for the assembler, counting fetches and fetches in flight.</summary>
internal sealed class BlockSource
{
    private readonly Dictionary<NodeId, byte[]> _blocks = [];
    private readonly BlockSource? _under;
    private readonly Lock _gate = new();
    private int _inFlight;

    public BlockSource()
    {
    }

    /// <summary>An overlay: blocks put here shadow <paramref name="under"/> without changing it.</summary>
    public BlockSource(BlockSource under) => _under = under;

    /// <summary>Yields this many times inside each fetch so that fetches overlap.</summary>
    public int YieldsPerFetch { get; set; }

    public int Fetches { get; private set; }

    public int MaxInFlight { get; private set; }

    /// <summary>Fetches currently started and not finished.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public Dictionary<NodeId, int> FetchesByKey { get; } = [];

    public static BlockSource From(BlockPlan plan)
    {
        var source = new BlockSource();
        source.Add(plan);
        return source;
    }

    public static NodeId Hash(ReadOnlySpan<byte> bytes) => NodeId.Read(SHA256.HashData(bytes));

    public void Add(BlockPlan plan)
    {
        foreach (var block in plan.Blocks)
        {
            _blocks[block.Key] = block.Bytes.ToArray();
        }
    }

    /// <summary>Stores <paramref name="bytes"/> under its hash and returns the key.</summary>
    public NodeId Put(byte[] bytes)
    {
        var key = Hash(bytes);
        _blocks[key] = bytes;
        return key;
    }

    /// <summary>Stores <paramref name="bytes"/> under a key of the test's choosing.</summary>
    public void PutAt(NodeId key, byte[] bytes) => _blocks[key] = bytes;

    public bool Remove(NodeId key) => _blocks.Remove(key);

    public byte[]? Peek(NodeId key) =>
        _blocks.TryGetValue(key, out var bytes) ? bytes : _under?.Peek(key);

    public async Task<byte[]?> FetchAsync(NodeId key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Fetches++;
            FetchesByKey[key] = FetchesByKey.GetValueOrDefault(key) + 1;
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
        }

        try
        {
            for (var i = 0; i < YieldsPerFetch; i++)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
            }

            var bytes = Peek(key);
            return bytes is null ? null : (byte[])bytes.Clone();
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    public Task<byte[]?> FetchAsync(NodeId key) => FetchAsync(key, TestContext.Current.CancellationToken);
}
