using System.Collections.Concurrent;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Storage;

/// <summary>What a storage node did: accepted work and refusals by error code.</summary>
public sealed class StorageStats
{
    private readonly ConcurrentDictionary<ulong, long> _refused = new();
    private long _stored;
    private long _served;
    private long _deleted;
    private long _republished;
    private long _evicted;

    /// <summary>Values stored (content and warehouse items).</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Values served to readers.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Warehouse items deleted.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>Content records this node pushed to the closest nodes while republishing.</summary>
    public long Republished => Interlocked.Read(ref _republished);

    /// <summary>Items evicted from a full node (the largest holder's oldest) to make room for another source's.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Requests refused with the given storage error code.</summary>
    public long Refused(ulong code) => _refused.GetValueOrDefault(code);

    /// <summary>Requests refused, over all error codes.</summary>
    public long RefusedTotal => _refused.Values.Sum();

    /// <summary>Each error code requests were refused with, and how many (safe to read from any thread).</summary>
    internal IEnumerable<KeyValuePair<ulong, long>> RefusedByCode() => _refused;

    internal void CountStored() => Interlocked.Increment(ref _stored);

    internal void CountServed() => Interlocked.Increment(ref _served);

    internal void CountDeleted() => Interlocked.Increment(ref _deleted);

    internal void CountRepublished() => Interlocked.Increment(ref _republished);

    internal void CountEvicted() => Interlocked.Increment(ref _evicted);

    internal void CountRefused(ulong code) => _refused.AddOrUpdate(code, 1, (_, n) => n + 1);

    /// <summary>One line with every count, and the refusals of the common codes.</summary>
    public override string ToString() =>
        $"stored {Stored}, served {Served}, deleted {Deleted}, republished {Republished}, evicted {Evicted}, refused {RefusedTotal} (hash {Refused(StorageErrors.HashMismatch)}, size {Refused(StorageErrors.ValueTooLarge)}, full {Refused(StorageErrors.StorageFull)}, owner {Refused(StorageErrors.NotOwner)}, quota {Refused(StorageErrors.QuotaExceeded)}, busy {Refused(StorageErrors.Busy)}, failed {Refused(StorageErrors.StoreFailed)})";
}
