using DhtRpc.Wire;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>A store that hands every call to another; tests override the calls they want to slow down or break.</summary>
internal abstract class ForwardingStore(IItemStore inner) : IItemStore
{
    public StoreTotals Totals => inner.Totals;

    public virtual StoredItem? Get(ItemSpace space, NodeId key) => inner.Get(space, key);

    public virtual void Put(StoredItem item) => inner.Put(item);

    public bool Delete(ItemSpace space, NodeId key) => inner.Delete(space, key);

    public virtual StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at) => inner.RecordAccess(space, key, at);

    public IReadOnlyList<StoredItem> List(ItemSpace space, int offset, int limit) => inner.List(space, offset, limit);

    public IReadOnlyList<NodeId> Keys(ItemSpace space) => inner.Keys(space);

    public IReadOnlyList<NodeId> SignedKeys() => inner.SignedKeys();

    public int Count(ItemSpace space) => inner.Count(space);

    public long TotalBytes() => inner.TotalBytes();

    public SourceUsage UsageOf(string source) => inner.UsageOf(source);

    public string? LargestSource() => inner.LargestSource();

    public StoredItem? OldestFrom(string source) => inner.OldestFrom(source);

    public Tombstone? GetTombstone(ItemSpace space, NodeId key) => inner.GetTombstone(space, key);

    public void PutTombstone(Tombstone tombstone) => inner.PutTombstone(tombstone);

    public int RemoveExpired(DateTimeOffset now) => inner.RemoveExpired(now);

    public virtual void AddTotals(long stored, long served, long deleted) => inner.AddTotals(stored, served, deleted);

    public void Dispose() => inner.Dispose();
}
