using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// Where a node keeps what it stores. Implementations: <see cref="InMemoryItemStore"/> (tests and
/// networks without a data directory) and <see cref="SqliteItemStore"/> (a file, WAL mode).
/// Calls are synchronous and short; a store is used from one thread at a time.
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

    /// <summary>Items held in <paramref name="space"/>.</summary>
    int Count(ItemSpace space);

    /// <summary>Bytes of values held across both spaces.</summary>
    long TotalBytes();

    /// <summary>Removes items whose expiry is at or before <paramref name="now"/>; returns how many.</summary>
    int RemoveExpired(DateTimeOffset now);

    /// <summary>Items ever stored, served and deleted, as added with <see cref="AddTotals"/>.</summary>
    StoreTotals Totals { get; }

    /// <summary>Adds to the persistent totals.</summary>
    void AddTotals(long stored, long served, long deleted);
}
