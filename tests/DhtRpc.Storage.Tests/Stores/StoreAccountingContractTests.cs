using DhtRpc.Storage.Stores;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>
/// What every <see cref="IItemStore"/> keeps for quotas and eviction (usage per source, the largest
/// holder, its oldest item) and for signed deletes (tombstones), through every kind of change.
/// </summary>
public abstract class StoreAccountingContractTests : IDisposable
{
    private IItemStore? _store;

    protected IItemStore Store => _store ??= CreateStore();

    protected abstract IItemStore CreateStore();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store?.Dispose();
        }
    }

    [Fact]
    public void Usage_per_source_follows_puts_replacements_deletes_and_expiry()
    {
        Store.Put(Make(Key(1), ItemSpace.Warehouse, size: 10, storedAtMs: 3) with { StoredBy = "20.0.0.1:1000" });
        Store.Put(Make(Key(2), ItemSpace.Content, size: 20, storedAtMs: 1, expiresAt: At(50)) with { StoredBy = "20.0.0.1:2000" });
        Store.Put(Make(Key(3), ItemSpace.Warehouse, size: 5, storedAtMs: 2) with { StoredBy = "20.0.0.2:1000" });
        Assert.Equal(new SourceUsage(2, 30), Store.UsageOf("20.0.0.1"));
        Assert.Equal(new SourceUsage(1, 5), Store.UsageOf("20.0.0.2"));
        Assert.Equal("20.0.0.1", Store.LargestSource());
        Assert.Equal(Key(2), Store.OldestFrom("20.0.0.1")?.Key);

        // Replaced by another source: the item moves from one account to the other.
        Store.Put(Make(Key(1), ItemSpace.Warehouse, size: 40, storedAtMs: 4) with { StoredBy = "20.0.0.2:3000" });
        Assert.Equal(new SourceUsage(1, 20), Store.UsageOf("20.0.0.1"));
        Assert.Equal(new SourceUsage(2, 45), Store.UsageOf("20.0.0.2"));
        Assert.Equal("20.0.0.2", Store.LargestSource());

        Store.RemoveExpired(At(60));
        Assert.Equal(default, Store.UsageOf("20.0.0.1"));
        Assert.Null(Store.OldestFrom("20.0.0.1"));
        Store.Delete(ItemSpace.Warehouse, Key(3));
        Assert.Equal(new SourceUsage(1, 40), Store.UsageOf("20.0.0.2"));
        Store.Delete(ItemSpace.Warehouse, Key(1));
        Assert.Null(Store.LargestSource());
        Assert.Equal(0L, Store.TotalBytes());
    }

    [Fact]
    public void A_tombstone_is_kept_until_it_lapses()
    {
        var tombstone = new Tombstone { Space = ItemSpace.Warehouse, Key = Key(9), OwnerKey = new byte[32], Sequence = 4, ExpiresAt = At(100) };
        Store.PutTombstone(tombstone);
        Assert.Equal(4, Store.GetTombstone(ItemSpace.Warehouse, Key(9))?.Sequence);
        Assert.Null(Store.GetTombstone(ItemSpace.Content, Key(9)));

        Store.PutTombstone(tombstone with { Sequence = 6 });
        Assert.Equal(6, Store.GetTombstone(ItemSpace.Warehouse, Key(9))?.Sequence);
        Assert.Equal(At(100), Store.GetTombstone(ItemSpace.Warehouse, Key(9))?.ExpiresAt);

        Store.RemoveExpired(At(99));
        Assert.NotNull(Store.GetTombstone(ItemSpace.Warehouse, Key(9)));
        Store.RemoveExpired(At(100));
        Assert.Null(Store.GetTombstone(ItemSpace.Warehouse, Key(9)));
    }

    [Fact]
    public void A_signature_is_kept_with_its_item()
    {
        var signature = Enumerable.Range(0, 64).Select(i => (byte)(i + 1)).ToArray();
        Store.Put(Make(Key(5), ItemSpace.Warehouse) with { OwnerKey = new byte[32], Sequence = 3, Signature = signature });
        Assert.Equal(signature, Store.Get(ItemSpace.Warehouse, Key(5))?.Signature);
        Store.Put(Make(Key(6), ItemSpace.Warehouse));
        Store.Put(Make(Key(7), ItemSpace.Content) with { Signature = signature });
        Assert.Equal([Key(5)], Store.SignedKeys());
    }
}

public sealed class InMemoryStoreAccountingTests : StoreAccountingContractTests
{
    protected override IItemStore CreateStore() => new InMemoryItemStore();
}

public sealed class SqliteStoreAccountingTests : StoreAccountingContractTests
{
    private readonly TempDirectory _directory = new();

    protected override IItemStore CreateStore() => new SqliteItemStore(_directory.Path);

    /// <summary>The counts are rebuilt from the file at open: a reopened store reports the same usage.</summary>
    [Fact]
    public void Usage_survives_a_reopen()
    {
        Store.Put(Make(Key(1), ItemSpace.Warehouse, size: 10) with { StoredBy = "20.0.0.1:1000" });
        Store.Put(Make(Key(2), ItemSpace.Content, size: 7) with { StoredBy = "20.0.0.1:1001" });
        Store.Dispose();
        using var reopened = new SqliteItemStore(_directory.Path);
        Assert.Equal(new SourceUsage(2, 17), reopened.UsageOf("20.0.0.1"));
        Assert.Equal(1, reopened.Count(ItemSpace.Content));
        Assert.Equal(17L, reopened.TotalBytes());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
