using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// What a store holds, kept as running counts so that no store has to count rows: items per space,
/// bytes in all, and items and bytes per source address (for quotas and for choosing what to evict).
/// </summary>
internal sealed class StoreAccounting
{
    private readonly int[] _counts = new int[2];
    private readonly Dictionary<string, SourceUsage> _bySource = new(StringComparer.Ordinal);

    public long Bytes { get; private set; }

    public int Count(ItemSpace space) => _counts[(int)space];

    public SourceUsage UsageOf(string source) => _bySource.GetValueOrDefault(source);

    /// <summary>The source holding the most bytes (ties: the most items); null when the store is empty.</summary>
    public string? LargestSource()
    {
        string? largest = null;
        var most = default(SourceUsage);
        foreach (var (source, usage) in _bySource)
        {
            if (largest is null || usage.Bytes > most.Bytes || (usage.Bytes == most.Bytes && usage.Items > most.Items))
            {
                largest = source;
                most = usage;
            }
        }

        return largest;
    }

    public void Added(ItemSpace space, string source, long size)
    {
        _counts[(int)space]++;
        Bytes += size;
        var usage = _bySource.GetValueOrDefault(source);
        _bySource[source] = new SourceUsage(usage.Items + 1, usage.Bytes + size);
    }

    /// <summary>Adds what a store already held at open (one group of rows with the same space and source).</summary>
    public void Load(ItemSpace space, string source, int items, long bytes)
    {
        _counts[(int)space] += items;
        Bytes += bytes;
        var usage = _bySource.GetValueOrDefault(source);
        _bySource[source] = new SourceUsage(usage.Items + items, usage.Bytes + bytes);
    }

    public void Removed(ItemSpace space, string source, long size)
    {
        _counts[(int)space]--;
        Bytes -= size;
        var usage = _bySource.GetValueOrDefault(source);
        var left = new SourceUsage(usage.Items - 1, usage.Bytes - size);
        if (left.Items <= 0)
        {
            _bySource.Remove(source);
        }
        else
        {
            _bySource[source] = left;
        }
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _bySource.Clear();
        Bytes = 0;
    }
}

/// <summary>Items and bytes a store holds from one source address.</summary>
/// <param name="Items">Items stored by the source.</param>
/// <param name="Bytes">Bytes of value stored by the source.</param>
public readonly record struct SourceUsage(int Items, long Bytes);

/// <summary>
/// What a signed delete leaves behind: the owner and the sequence of the delete, so that replaying an
/// older signed store cannot bring the item back while the tombstone lasts.
/// </summary>
public sealed record Tombstone
{
    /// <summary>The key space of the deleted item.</summary>
    public required ItemSpace Space { get; init; }

    /// <summary>The key of the deleted item.</summary>
    public required NodeId Key { get; init; }

    /// <summary>The Ed25519 public key that signed the delete (32 bytes).</summary>
    public required byte[] OwnerKey { get; init; }

    /// <summary>The sequence of the delete: a store must carry a higher one.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the tombstone lapses (at least the item lifetime after the delete).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
