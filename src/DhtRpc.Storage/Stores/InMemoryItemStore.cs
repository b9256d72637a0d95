using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>A store in memory: for tests, simulations and networks run without a data directory.</summary>
public sealed class InMemoryItemStore : IItemStore
{
    private readonly Dictionary<(ItemSpace, NodeId), StoredItem> _items = [];
    private readonly int[] _counts = new int[2];
    private long _bytes;
    private StoreTotals _totals = new(0, 0, 0);

    /// <inheritdoc/>
    public StoreTotals Totals => _totals;

    /// <inheritdoc/>
    public StoredItem? Get(ItemSpace space, NodeId key) => _items.GetValueOrDefault((space, key));

    /// <inheritdoc/>
    public void Put(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_items.TryGetValue((item.Space, item.Key), out var old))
        {
            _bytes -= old.Size;
        }
        else
        {
            _counts[(int)item.Space]++;
        }

        _items[(item.Space, item.Key)] = item;
        _bytes += item.Size;
    }

    /// <inheritdoc/>
    public bool Delete(ItemSpace space, NodeId key)
    {
        if (!_items.Remove((space, key), out var old))
        {
            return false;
        }

        _counts[(int)space]--;
        _bytes -= old.Size;
        return true;
    }

    /// <inheritdoc/>
    public StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at)
    {
        if (!_items.TryGetValue((space, key), out var item))
        {
            return null;
        }

        var updated = item with { AccessCount = item.AccessCount + 1, LastAccess = at };
        _items[(space, key)] = updated;
        return updated;
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredItem> List(ItemSpace space, int offset, int limit) =>
        _items.Values
            .Where(i => i.Space == space)
            .OrderBy(i => i.StoredAt)
            .ThenBy(i => i.Key)
            .Skip(offset)
            .Take(limit)
            .ToList();

    /// <inheritdoc/>
    public IReadOnlyList<NodeId> Keys(ItemSpace space) => _items.Keys.Where(k => k.Item1 == space).Select(k => k.Item2).ToList();

    // Kept as counters: every store checks the item limit, so counting must not scan.
    /// <inheritdoc/>
    public int Count(ItemSpace space) => _counts[(int)space];

    /// <inheritdoc/>
    public long TotalBytes() => _bytes;

    /// <inheritdoc/>
    public int RemoveExpired(DateTimeOffset now)
    {
        var expired = _items.Values.Where(i => i.ExpiresAt is { } at && at <= now).ToList();
        foreach (var item in expired)
        {
            Delete(item.Space, item.Key);
        }

        return expired.Count;
    }

    /// <inheritdoc/>
    public void AddTotals(long stored, long served, long deleted) =>
        _totals = new StoreTotals(_totals.Stored + stored, _totals.Served + served, _totals.Deleted + deleted);

    /// <inheritdoc/>
    public void Dispose()
    {
        _items.Clear();
        Array.Clear(_counts);
        _bytes = 0;
    }
}
