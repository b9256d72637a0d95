using DhtRpc.Wire;
using DhtRpc.Storage.Stores;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>
/// What every <see cref="IItemStore"/> must do; each store runs these through a derived class.
/// Times are whole milliseconds, the precision every store keeps.
/// </summary>
public abstract class ItemStoreContractTests : IDisposable
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
    public void A_new_store_is_empty()
    {
        foreach (var space in new[] { ItemSpace.Content, ItemSpace.Warehouse })
        {
            Assert.Equal(0, Store.Count(space));
            Assert.Empty(Store.Keys(space));
            Assert.Empty(Store.List(space, 0, 100));
        }

        Assert.Equal(0, Store.TotalBytes());
        Assert.Equal(new StoreTotals(0, 0, 0), Store.Totals);
    }

    [Fact]
    public void Get_of_a_missing_key_is_null()
    {
        Store.Put(Make(Key(1)));

        Assert.Null(Store.Get(ItemSpace.Content, Key(2)));
        Assert.Null(Store.Get(ItemSpace.Warehouse, Key(1)));
    }

    [Fact]
    public void Put_then_get_returns_every_field()
    {
        var item = Full(Key(9, 9));
        Store.Put(item);

        AssertSame(item, Store.Get(ItemSpace.Warehouse, item.Key));
    }

    [Fact]
    public void Optional_fields_left_empty_come_back_empty()
    {
        var item = Make(Key(3), size: 0) with { StoredBy = "" };
        Store.Put(item);

        var read = Store.Get(ItemSpace.Content, item.Key);
        AssertSame(item, read);
        Assert.Null(read!.LastAccess);
        Assert.Null(read.ExpiresAt);
        Assert.Null(read.OwnerKey);
        Assert.Empty(read.Value);
        Assert.Equal(0, read.Size);
    }

    [Fact]
    public void Put_null_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => Store.Put(null!));
    }

    [Fact]
    public void The_same_key_in_the_two_spaces_is_two_items()
    {
        var content = Make(Key(5), ItemSpace.Content, size: 3);
        var warehouse = Make(Key(5), ItemSpace.Warehouse, size: 8) with { Sequence = 2 };
        Store.Put(content);
        Store.Put(warehouse);

        AssertSame(content, Store.Get(ItemSpace.Content, Key(5)));
        AssertSame(warehouse, Store.Get(ItemSpace.Warehouse, Key(5)));
        Assert.Equal(1, Store.Count(ItemSpace.Content));
        Assert.Equal(1, Store.Count(ItemSpace.Warehouse));
        Assert.Equal(11, Store.TotalBytes());
    }

    [Fact]
    public void Put_replaces_the_item_and_its_byte_count()
    {
        Store.Put(Make(Key(1), size: 100));
        Store.Put(Make(Key(2), size: 7));
        Assert.Equal(107, Store.TotalBytes());

        var replacement = Full(Key(1)) with { Space = ItemSpace.Content, Value = new byte[30], Sequence = 3 };
        Store.Put(replacement);

        AssertSame(replacement, Store.Get(ItemSpace.Content, Key(1)));
        Assert.Equal(2, Store.Count(ItemSpace.Content));
        Assert.Equal(37, Store.TotalBytes());

        Store.Put(replacement with { Value = new byte[200] });
        Assert.Equal(207, Store.TotalBytes());
    }

    [Fact]
    public void Delete_removes_the_item_and_its_bytes()
    {
        Store.Put(Make(Key(1), size: 10));
        Store.Put(Make(Key(2), size: 20));

        Assert.True(Store.Delete(ItemSpace.Content, Key(1)));

        Assert.Null(Store.Get(ItemSpace.Content, Key(1)));
        Assert.NotNull(Store.Get(ItemSpace.Content, Key(2)));
        Assert.Equal(1, Store.Count(ItemSpace.Content));
        Assert.Equal(20, Store.TotalBytes());
    }

    [Fact]
    public void Delete_of_a_missing_item_returns_false_and_changes_nothing()
    {
        Store.Put(Make(Key(1), size: 10));

        Assert.False(Store.Delete(ItemSpace.Content, Key(2)));
        Assert.False(Store.Delete(ItemSpace.Warehouse, Key(1)));
        Assert.True(Store.Delete(ItemSpace.Content, Key(1)));
        Assert.False(Store.Delete(ItemSpace.Content, Key(1)));

        Assert.Equal(0, Store.Count(ItemSpace.Content));
        Assert.Equal(0, Store.TotalBytes());
    }

    [Fact]
    public void RecordAccess_counts_and_returns_the_updated_item()
    {
        var item = Full(Key(4));
        Store.Put(item);

        var first = Store.RecordAccess(ItemSpace.Warehouse, Key(4), At(10_000));
        var second = Store.RecordAccess(ItemSpace.Warehouse, Key(4), At(20_000));

        var expected = item with { AccessCount = item.AccessCount + 2, LastAccess = At(20_000) };
        AssertSame(item with { AccessCount = item.AccessCount + 1, LastAccess = At(10_000) }, first);
        AssertSame(expected, second);
        AssertSame(expected, Store.Get(ItemSpace.Warehouse, Key(4)));
        Assert.Equal(item.Size, Store.TotalBytes());
    }

    [Fact]
    public void RecordAccess_on_a_fresh_item_starts_from_zero()
    {
        Store.Put(Make(Key(6)));

        var updated = Store.RecordAccess(ItemSpace.Content, Key(6), At(1));

        Assert.NotNull(updated);
        Assert.Equal(1, updated.AccessCount);
        Assert.Equal(At(1), updated.LastAccess);
    }

    [Fact]
    public void RecordAccess_of_a_missing_item_is_null()
    {
        Store.Put(Make(Key(1), ItemSpace.Content));

        Assert.Null(Store.RecordAccess(ItemSpace.Content, Key(2), At(1)));
        Assert.Null(Store.RecordAccess(ItemSpace.Warehouse, Key(1), At(1)));
        Assert.Equal(0, Store.Get(ItemSpace.Content, Key(1))!.AccessCount);
    }

    [Fact]
    public void List_orders_by_stored_time_then_key_bytes()
    {
        // Keys chosen so that byte order differs from insertion order and from signed-byte order.
        Store.Put(Make(Key(0xFF), storedAtMs: 5));
        Store.Put(Make(Key(0x01, 2), storedAtMs: 5));
        Store.Put(Make(Key(0x80), storedAtMs: 5));
        Store.Put(Make(Key(0x01, 1), storedAtMs: 5));
        Store.Put(Make(Key(0x00), storedAtMs: 9));
        Store.Put(Make(Key(0xFF), ItemSpace.Warehouse, storedAtMs: 1));
        Store.Put(Make(Key(0x7F), storedAtMs: 1));

        var keys = Store.List(ItemSpace.Content, 0, 100).Select(i => i.Key).ToList();

        Assert.Equal([Key(0x7F), Key(0x01, 1), Key(0x01, 2), Key(0x80), Key(0xFF), Key(0x00)], keys);
        Assert.Equal([Key(0xFF)], Store.List(ItemSpace.Warehouse, 0, 100).Select(i => i.Key));
    }

    [Fact]
    public void List_returns_whole_items()
    {
        var item = Full(Key(2));
        Store.Put(item);

        AssertSame(item, Assert.Single(Store.List(ItemSpace.Warehouse, 0, 10)));
    }

    [Fact]
    public void List_pages_cover_every_item_once_in_a_stable_order()
    {
        var random = new Random(7);
        for (var i = 0; i < 57; i++)
        {
            var bytes = new byte[NodeId.Size];
            random.NextBytes(bytes);
            Store.Put(Make(NodeId.Read(bytes), storedAtMs: random.Next(0, 6)));
        }

        var all = Store.List(ItemSpace.Content, 0, 1000);
        Assert.Equal(57, all.Count);
        var expectedOrder = all.OrderBy(i => i.StoredAt).ThenBy(i => i.Key).Select(i => i.Key).ToList();
        Assert.Equal(expectedOrder, all.Select(i => i.Key));

        var paged = new List<NodeId>();
        for (var offset = 0; offset < 57; offset += 10)
        {
            var page = Store.List(ItemSpace.Content, offset, 10);
            Assert.Equal(Math.Min(10, 57 - offset), page.Count);
            paged.AddRange(page.Select(i => i.Key));
        }

        Assert.Equal(expectedOrder, paged);
        Assert.Equal(expectedOrder, Store.List(ItemSpace.Content, 0, 1000).Select(i => i.Key));
    }

    [Fact]
    public void List_bounds_behave_like_skip_and_take()
    {
        Store.Put(Make(Key(1), storedAtMs: 1));
        Store.Put(Make(Key(2), storedAtMs: 2));
        Store.Put(Make(Key(3), storedAtMs: 3));

        Assert.Empty(Store.List(ItemSpace.Content, 3, 10));
        Assert.Empty(Store.List(ItemSpace.Content, 100, 10));
        Assert.Empty(Store.List(ItemSpace.Content, 0, 0));
        Assert.Empty(Store.List(ItemSpace.Content, 0, -1));
        Assert.Equal([Key(1), Key(2)], Store.List(ItemSpace.Content, -5, 2).Select(i => i.Key));
        Assert.Equal([Key(3)], Store.List(ItemSpace.Content, 2, int.MaxValue).Select(i => i.Key));
    }

    [Fact]
    public void Keys_and_Count_are_per_space()
    {
        Store.Put(Make(Key(1), ItemSpace.Content));
        Store.Put(Make(Key(2), ItemSpace.Content));
        Store.Put(Make(Key(3), ItemSpace.Content));
        Store.Put(Make(Key(2), ItemSpace.Warehouse));

        Assert.Equal([Key(1), Key(2), Key(3)], Store.Keys(ItemSpace.Content).Order());
        Assert.Equal([Key(2)], Store.Keys(ItemSpace.Warehouse));
        Assert.Equal(3, Store.Count(ItemSpace.Content));
        Assert.Equal(1, Store.Count(ItemSpace.Warehouse));

        Store.Delete(ItemSpace.Content, Key(2));
        Assert.Equal([Key(1), Key(3)], Store.Keys(ItemSpace.Content).Order());
        Assert.Equal(2, Store.Count(ItemSpace.Content));
    }

    [Fact]
    public void TotalBytes_sums_values_across_both_spaces()
    {
        Store.Put(Make(Key(1), ItemSpace.Content, size: 100));
        Store.Put(Make(Key(2), ItemSpace.Content, size: 1));
        Store.Put(Make(Key(1), ItemSpace.Warehouse, size: 1000));

        Assert.Equal(1101, Store.TotalBytes());
    }

    [Fact]
    public void RemoveExpired_removes_items_due_at_or_before_now_in_both_spaces()
    {
        Store.Put(Make(Key(1), ItemSpace.Content, size: 1, expiresAt: At(999)));
        Store.Put(Make(Key(2), ItemSpace.Content, size: 2, expiresAt: At(1000)));
        Store.Put(Make(Key(3), ItemSpace.Content, size: 4, expiresAt: At(1001)));
        Store.Put(Make(Key(4), ItemSpace.Content, size: 8, expiresAt: null));
        Store.Put(Make(Key(5), ItemSpace.Warehouse, size: 16, expiresAt: At(-5000)));
        Store.Put(Make(Key(6), ItemSpace.Warehouse, size: 32, expiresAt: new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(3, Store.RemoveExpired(At(1000)));

        Assert.Equal([Key(3), Key(4)], Store.Keys(ItemSpace.Content).Order());
        Assert.Equal([Key(6)], Store.Keys(ItemSpace.Warehouse));
        Assert.Equal(4 + 8 + 32, Store.TotalBytes());

        Assert.Equal(0, Store.RemoveExpired(At(1000)));
        Assert.Equal(1, Store.RemoveExpired(At(1001)));
        Assert.Equal(40, Store.TotalBytes());
    }

    [Fact]
    public void RemoveExpired_does_not_touch_the_totals()
    {
        Store.Put(Make(Key(1), expiresAt: At(1)));

        Assert.Equal(1, Store.RemoveExpired(At(2)));

        Assert.Equal(new StoreTotals(0, 0, 0), Store.Totals);
    }

    [Fact]
    public void A_replaced_item_takes_the_new_expiry()
    {
        Store.Put(Make(Key(1), expiresAt: At(10)));
        Store.Put(Make(Key(1), expiresAt: At(100)));

        Assert.Equal(0, Store.RemoveExpired(At(50)));
        Assert.NotNull(Store.Get(ItemSpace.Content, Key(1)));

        Store.Put(Make(Key(1), expiresAt: null));
        Assert.Equal(0, Store.RemoveExpired(At(1_000_000)));
    }

    [Fact]
    public void AddTotals_accumulates()
    {
        Store.AddTotals(1, 0, 0);
        Store.AddTotals(2, 5, 0);
        Store.AddTotals(0, 1, 3);
        Store.AddTotals(0, 0, 0);

        Assert.Equal(new StoreTotals(3, 6, 3), Store.Totals);
    }

    [Fact]
    public void Totals_are_independent_of_the_items()
    {
        Store.AddTotals(10, 20, 30);
        Store.Put(Make(Key(1)));
        Store.Delete(ItemSpace.Content, Key(1));

        Assert.Equal(new StoreTotals(10, 20, 30), Store.Totals);
    }
}

public sealed class InMemoryItemStoreContractTests : ItemStoreContractTests
{
    protected override IItemStore CreateStore() => new InMemoryItemStore();
}

public sealed class SqliteItemStoreContractTests : ItemStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override IItemStore CreateStore() => new SqliteItemStore(_directory.Path);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
