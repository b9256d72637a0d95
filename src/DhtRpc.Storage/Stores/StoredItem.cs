using DhtRpc.Wire;

namespace DhtRpc.Storage.Stores;

/// <summary>The two key spaces a node stores: content by its hash, and warehouse items by sha256(user key).</summary>
public enum ItemSpace
{
    /// <summary>Immutable values keyed by SHA-256 of the value (commands INSERT = 0, GET = 1).</summary>
    Content = 0,

    /// <summary>Warehouse items keyed by a target the client chose (commands 100–103).</summary>
    Warehouse = 1,
}

/// <summary>One stored value with its metadata.</summary>
public sealed record StoredItem
{
    /// <summary>Which key space the item is in.</summary>
    public required ItemSpace Space { get; init; }

    /// <summary>The key: SHA-256 of the value for content, the client's target for warehouse items.</summary>
    public required NodeId Key { get; init; }

    /// <summary>The stored bytes.</summary>
    public required byte[] Value { get; init; }

    /// <summary>When it was stored (a warehouse item replaced by a new value takes the time of the replacement).</summary>
    public required DateTimeOffset StoredAt { get; init; }

    /// <summary>Who stored it, as host:port seen by the storing node.</summary>
    public required string StoredBy { get; init; }

    /// <summary>How many times it was read with an access counted.</summary>
    public long AccessCount { get; init; }

    /// <summary>When it was last read with an access counted; null = never.</summary>
    public DateTimeOffset? LastAccess { get; init; }

    /// <summary>When the record lapses unless republished; null = never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Ed25519 public key of the owner of a signed item (32 bytes), else null.</summary>
    public byte[]? OwnerKey { get; init; }

    /// <summary>Version of a signed item: an update must carry a higher sequence.</summary>
    public long Sequence { get; init; }

    /// <summary>The owner's Ed25519 signature over the stored value (64 bytes) of a signed item, else null.</summary>
    public byte[]? Signature { get; init; }

    /// <summary>Bytes of the value.</summary>
    public int Size => Value.Length;

    /// <summary>The host part of <see cref="StoredBy"/>: the source address quotas count against.</summary>
    public string Source => SourceOf(StoredBy);

    /// <summary>The host part of a host:port text (the whole text when it has no port).</summary>
    public static string SourceOf(string storedBy)
    {
        ArgumentNullException.ThrowIfNull(storedBy);
        var colon = storedBy.LastIndexOf(':');
        return colon < 0 ? storedBy : storedBy[..colon];
    }
}

/// <summary>Counts a store keeps across restarts.</summary>
public sealed record StoreTotals(long Stored, long Served, long Deleted);
