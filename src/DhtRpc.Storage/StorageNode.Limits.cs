using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// What one store may take: the value size, the sender's share (its quota) and the node's room. A full
/// node makes room by evicting the oldest items of its largest holder, so one source cannot keep
/// everyone else out; only when the sender is itself the largest holder is it refused STORAGE_FULL.
/// </summary>
public sealed partial class StorageNode
{
    /// <summary>Items evicted for one store at most (a 60 000-byte value may displace many small ones).</summary>
    private const int MaxEvictionsPerStore = 4096;

    /// <summary>
    /// Checks a store of <paramref name="size"/> bytes from <paramref name="request"/>'s sender, replacing
    /// <paramref name="replacing"/>, and evicts to make room when the node is full. Returns the error to
    /// answer, or null when the store may go ahead. Runs under the store lock.
    /// </summary>
    private ulong? MakeRoom(IItemStore store, IncomingRequest request, int size, StoredItem? replacing)
    {
        if (size > Options.MaxValueSize)
        {
            return StorageErrors.ValueTooLarge;
        }

        var source = request.From.Endpoint.Host;
        var sameSource = replacing is not null && string.Equals(replacing.Source, source, StringComparison.Ordinal);
        if (QuotaApplies(request.From.Endpoint))
        {
            var usage = store.UsageOf(source);
            var items = usage.Items + (sameSource ? 0 : 1);
            var bytes = usage.Bytes + size - (sameSource ? replacing!.Size : 0);
            if (items > Options.MaxItemsPerSource || bytes > Options.MaxBytesPerSource)
            {
                return StorageErrors.QuotaExceeded;
            }
        }

        var evictedItems = 0;
        var evictedBytes = 0L;
        string? evictedFrom = null;
        while (IsOverNodeLimits(store, size, replacing))
        {
            var largest = store.LargestSource();
            if (largest is null || string.Equals(largest, source, StringComparison.Ordinal) || evictedItems >= MaxEvictionsPerStore)
            {
                return StorageErrors.StorageFull;
            }

            var oldest = store.OldestFrom(largest);
            if (oldest is null || (replacing is not null && oldest.Space == replacing.Space && oldest.Key == replacing.Key))
            {
                return StorageErrors.StorageFull;
            }

            store.Delete(oldest.Space, oldest.Key);
            Stats.CountEvicted();
            evictedItems++;
            evictedBytes += oldest.Size;
            evictedFrom = largest;
        }

        if (evictedFrom is not null)
        {
            _logger.Evicted(evictedFrom, evictedItems, evictedBytes, size, source);
        }

        return null;
    }

    private bool IsOverNodeLimits(IItemStore store, int size, StoredItem? replacing)
    {
        var items = store.Count(ItemSpace.Content) + store.Count(ItemSpace.Warehouse) + (replacing is null ? 1 : 0);
        var bytes = store.TotalBytes() + size - (replacing?.Size ?? 0);
        return items > Options.MaxItems || bytes > Options.MaxBytes;
    }

    /// <summary>Quotas hold the addresses the node's limits hold: public ones, and local ones only when asked.</summary>
    private bool QuotaApplies(Ipv4Endpoint from) => Node.Options.Limits is { } limits && limits.AppliesTo(from);

    private static bool SameHost(string storedBy, Ipv4Endpoint requester) =>
        string.Equals(StoredItem.SourceOf(storedBy), requester.Host, StringComparison.Ordinal);
}
