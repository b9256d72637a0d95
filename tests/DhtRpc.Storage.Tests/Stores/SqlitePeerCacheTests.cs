using DhtRpc.Wire;
using DhtRpc.Storage.Stores;
using Microsoft.Data.Sqlite;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>The remembered peers: kept in store.db beside the items, replaced as a whole.</summary>
public sealed class SqlitePeerCacheTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteItemStore.FileName);

    [Fact]
    public void Peers_are_replaced_as_a_whole()
    {
        var clock = new ManualTimeProvider(At(1_000));
        using var cache = new SqlitePeerCache(_directory.Path, clock);
        Assert.Empty(cache.Load());
        Assert.Null(cache.SavedAt);

        cache.Save([Ipv4Endpoint.Parse("1.1.1.1:1"), Ipv4Endpoint.Parse("2.2.2.2:2"), Ipv4Endpoint.Parse("3.3.3.3:3")]);
        clock.Now = At(2_000);
        cache.Save([Ipv4Endpoint.Parse("9.9.9.9:9"), Ipv4Endpoint.Parse("1.1.1.1:1")]);

        Assert.Equal([Ipv4Endpoint.Parse("9.9.9.9:9"), Ipv4Endpoint.Parse("1.1.1.1:1")], cache.Load());
        Assert.Equal(At(2_000), cache.SavedAt);

        cache.Save([]);
        Assert.Empty(cache.Load());
        Assert.Null(cache.SavedAt);
        Assert.Throws<ArgumentNullException>(() => cache.Save(null!));
    }

    [Fact]
    public void Opening_an_empty_directory_creates_a_file_the_item_store_then_opens()
    {
        var nested = Path.Combine(_directory.Path, "node");
        using (var cache = new SqlitePeerCache(nested))
        {
            Assert.Equal(Path.Combine(nested, SqliteItemStore.FileName), cache.DatabasePath);
            cache.Save([Ipv4Endpoint.Parse("10.0.0.1:4000")]);
        }

        using var store = new SqliteItemStore(nested);
        store.Put(Make(Key(1)));
        using var reopened = new SqlitePeerCache(nested);
        Assert.Equal([Ipv4Endpoint.Parse("10.0.0.1:4000")], reopened.Load());
        Assert.Equal(1, store.Count(ItemSpace.Content));
    }

    [Fact]
    public void Reads_peers_written_into_an_existing_store_file()
    {
        new SqliteItemStore(_directory.Path).Dispose();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO peers (position, address, port, saved_at) VALUES (0, 167772161, 4000, 5000), (1, 167772162, 4001, 5000)";
            command.ExecuteNonQuery();
        }

        using var cache = new SqlitePeerCache(_directory.Path);

        Assert.Equal([Ipv4Endpoint.Parse("10.0.0.1:4000"), Ipv4Endpoint.Parse("10.0.0.2:4001")], cache.Load());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5000), cache.SavedAt);
    }

    [Fact]
    public void Saving_peers_while_the_item_store_writes_the_same_file_loses_neither()
    {
        using var store = new SqliteItemStore(_directory.Path);
        using var cache = new SqlitePeerCache(_directory.Path);

        for (var i = 0; i < 20; i++)
        {
            store.Put(Make(Key((byte)i)));
            cache.Save([new Ipv4Endpoint((uint)i, (ushort)i)]);
        }

        Assert.Equal(20, store.Count(ItemSpace.Content));
        Assert.Equal([new Ipv4Endpoint(19, 19)], cache.Load());
    }

    [Fact]
    public void A_file_that_is_not_a_database_gives_a_storage_exception_naming_it()
    {
        File.WriteAllText(DatabasePath, string.Concat(Enumerable.Repeat("not a database. ", 400)));

        var error = Assert.Throws<StorageException>(() => new SqlitePeerCache(_directory.Path));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(DatabasePath, error.Path);
    }

    [Fact]
    public void Dispose_is_idempotent_and_later_use_throws()
    {
        var cache = new SqlitePeerCache(_directory.Path);
        cache.Dispose();
        cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cache.Load());
        Assert.Throws<ObjectDisposedException>(() => cache.Save([]));
    }
}
