using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// Where a node keeps what it stores. Implementations: <see cref="InMemoryItemStore"/> (tests and
/// networks without a data directory) and <see cref="SqliteItemStore"/> (a file, WAL mode).
/// Calls are synchronous and short; a store is used from one thread at a time. Counts (items, bytes,
/// per-source usage) are kept as running totals: no call scans the items but List, Keys and RemoveExpired.
/// </summary>
public interface IItemStore : IDisposable
{
    /// <summary>The item under <paramref name="key"/> in <paramref name="space"/>, expired or not; null when there is none.</summary>
    StoredItem? Get(ItemSpace space, NodeId key);

    /// <summary>Inserts or replaces the item (same space and key).</summary>
    void Put(StoredItem item);

    /// <summary>Removes the item; false when there was none.</summary>
    bool Delete(ItemSpace space, NodeId key);

    /// <summary>Counts one access (access count + 1, last access = <paramref name="at"/>); returns the updated item.</summary>
    StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at);

    /// <summary>Items of a space in a stable order (stored time, then key), from <paramref name="offset"/>.</summary>
    IReadOnlyList<StoredItem> List(ItemSpace space, int offset, int limit);

    /// <summary>Every key of a space (for republishing).</summary>
    IReadOnlyList<NodeId> Keys(ItemSpace space);

    /// <summary>Keys of the warehouse items that carry an owner's signature (what holders republish).</summary>
    IReadOnlyList<NodeId> SignedKeys();

    /// <summary>Items held in <paramref name="space"/>.</summary>
    int Count(ItemSpace space);

    /// <summary>Bytes of values held across both spaces.</summary>
    long TotalBytes();

    /// <summary>Removes items and tombstones whose expiry is at or before <paramref name="now"/>; returns how many items.</summary>
    int RemoveExpired(DateTimeOffset now);

    /// <summary>Items and bytes held from <paramref name="source"/> (a host, as <see cref="StoredItem.Source"/>); counted, not scanned.</summary>
    SourceUsage UsageOf(string source);

    /// <summary>The source holding the most bytes; null when the store is empty.</summary>
    string? LargestSource();

    /// <summary>The item <paramref name="source"/> stored earliest (either space); null when it holds none.</summary>
    StoredItem? OldestFrom(string source);

    /// <summary>The tombstone a signed delete left under the key, lapsed or not; null when there is none.</summary>
    Tombstone? GetTombstone(ItemSpace space, NodeId key);

    /// <summary>Inserts or replaces the tombstone (same space and key).</summary>
    void PutTombstone(Tombstone tombstone);

    /// <summary>Items ever stored, served and deleted, as added with <see cref="AddTotals"/>.</summary>
    StoreTotals Totals { get; }

    /// <summary>Adds to the persistent totals.</summary>
    void AddTotals(long stored, long served, long deleted);
}
