using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>A store in memory: for tests, simulations and networks run without a data directory.</summary>
public sealed class InMemoryItemStore : IItemStore
{
    private readonly Dictionary<(ItemSpace, NodeId), StoredItem> _items = [];
    private readonly Dictionary<(ItemSpace, NodeId), Tombstone> _tombstones = [];
    private readonly StoreAccounting _accounting = new();
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
            _accounting.Removed(old.Space, old.Source, old.Size);
        }

        _items[(item.Space, item.Key)] = item;
        _accounting.Added(item.Space, item.Source, item.Size);
    }

    /// <inheritdoc/>
    public bool Delete(ItemSpace space, NodeId key)
    {
        if (!_items.Remove((space, key), out var old))
        {
            return false;
        }

        _accounting.Removed(space, old.Source, old.Size);
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

    /// <inheritdoc/>
    public IReadOnlyList<NodeId> SignedKeys() =>
        _items.Values.Where(i => i.Space == ItemSpace.Warehouse && i.Signature is not null).Select(i => i.Key).ToList();

    /// <inheritdoc/>
    public int Count(ItemSpace space) => _accounting.Count(space);

    /// <inheritdoc/>
    public long TotalBytes() => _accounting.Bytes;

    /// <inheritdoc/>
    public SourceUsage UsageOf(string source) => _accounting.UsageOf(source);

    /// <inheritdoc/>
    public string? LargestSource() => _accounting.LargestSource();

    /// <inheritdoc/>
    public StoredItem? OldestFrom(string source) =>
        _items.Values
            .Where(i => string.Equals(i.Source, source, StringComparison.Ordinal))
            .OrderBy(i => i.StoredAt)
            .ThenBy(i => i.Space)
            .ThenBy(i => i.Key)
            .FirstOrDefault();

    /// <inheritdoc/>
    public Tombstone? GetTombstone(ItemSpace space, NodeId key) => _tombstones.GetValueOrDefault((space, key));

    /// <inheritdoc/>
    public void PutTombstone(Tombstone tombstone)
    {
        ArgumentNullException.ThrowIfNull(tombstone);
        _tombstones[(tombstone.Space, tombstone.Key)] = tombstone;
    }

    /// <inheritdoc/>
    public int RemoveExpired(DateTimeOffset now)
    {
        foreach (var lapsed in _tombstones.Values.Where(t => t.ExpiresAt <= now).ToList())
        {
            _tombstones.Remove((lapsed.Space, lapsed.Key));
        }

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
        _tombstones.Clear();
        _accounting.Clear();
    }
}
