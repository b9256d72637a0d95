namespace DhtRpc.Storage.Protocol;

/// <summary>User (non-internal) command numbers of the storage protocols.</summary>
public static class StorageCommands
{
    /// <summary>Content store: with a token and a value, store the value under sha256(value); without, answer like GET.</summary>
    public const ulong Insert = 0;

    /// <summary>Content store: the value stored under the target, or an empty reply.</summary>
    public const ulong Get = 1;

    /// <summary>Warehouse: with a token, store the value under the target with metadata; empty reply.</summary>
    public const ulong WarehouseStore = 100;

    /// <summary>Warehouse: the value (counts an access) or an empty reply.</summary>
    public const ulong WarehouseGet = 101;

    /// <summary>Warehouse: one page of the inventory as a UTF-8 JSON array (value: optional decimal offset).</summary>
    public const ulong WarehouseList = 102;

    /// <summary>Warehouse: with a token, delete the item if the requester stored it; replies "deleted" or "not-found".</summary>
    public const ulong WarehouseDelete = 103;

    /// <summary>Warehouse: store an owner-signed item (value: signed envelope, see <see cref="SignedEnvelope"/>).</summary>
    public const ulong WarehouseStoreSigned = 104;

    /// <summary>Warehouse: delete an owner-signed item (value: signed envelope without payload).</summary>
    public const ulong WarehouseDeleteSigned = 105;

    /// <summary>Warehouse: access statistics of the target as UTF-8 JSON, or an empty reply.</summary>
    public const ulong WarehouseKeyStats = 106;

    /// <summary>Warehouse: the node's analytics (location, items, bytes, totals, uptime) as UTF-8 JSON.</summary>
    public const ulong WarehouseInfo = 107;

    /// <summary>
    /// Warehouse: the item in a form a reader can check (see <see cref="VerifiableReply"/>): a kind byte,
    /// then the payload of an unsigned item or the owner's signed envelope; an empty reply when none is held.
    /// Counts an access, like <see cref="WarehouseGet"/>.
    /// </summary>
    public const ulong WarehouseGetVerifiable = 108;
}

/// <summary>
/// Error codes of the storage protocols (dht-rpc keeps 0–15). Each is an error reply; nothing is stored.
/// </summary>
public static class StorageErrors
{
    /// <summary>INSERT: the target is not sha256 of the value.</summary>
    public const ulong HashMismatch = 16;

    /// <summary>The value is larger than the node accepts.</summary>
    public const ulong ValueTooLarge = 17;

    /// <summary>The node is at its item or byte limit.</summary>
    public const ulong StorageFull = 18;

    /// <summary>The item belongs to someone else (another host, or an owner key the request does not prove).</summary>
    public const ulong NotOwner = 19;

    /// <summary>A signed request whose signature does not verify.</summary>
    public const ulong BadSignature = 20;

    /// <summary>A request that lacks a required part (target, value, envelope).</summary>
    public const ulong Malformed = 21;

    /// <summary>A signed update whose sequence is not higher than the stored one.</summary>
    public const ulong StaleSequence = 22;

    /// <summary>The requesting address already holds its share of this node's items or bytes.</summary>
    public const ulong QuotaExceeded = 25;

    /// <summary>The node's storage queue is full; ask again later (nothing was done).</summary>
    public const ulong Busy = 26;

    /// <summary>The node's store failed (disk full, database error); nothing was written.</summary>
    public const ulong StoreFailed = 27;

    /// <summary>A short English phrase for an error code, as refusal messages show it.</summary>
    public static string Describe(ulong code) => code switch
    {
        HashMismatch => "the target is not the SHA-256 of the value",
        ValueTooLarge => "the value is larger than the node accepts",
        StorageFull => "the node is at its storage limit",
        NotOwner => "the item belongs to someone else",
        BadSignature => "the signature does not verify",
        Malformed => "the request is malformed",
        StaleSequence => "the sequence number is not newer than the stored one",
        QuotaExceeded => "the sender's address holds its whole share of the node's storage",
        Busy => "the node's storage is busy; try again later",
        StoreFailed => "the node's store failed (disk full or database error) and wrote nothing",
        1 => "the node does not know this command",
        2 => "the token is not valid",
        _ => $"error {code}",
    };
}
