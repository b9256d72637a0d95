using System.Collections.Concurrent;
using DhtRpc.Wire;
using DhtRpc.Simulation;
using DhtRpc.Storage.Stores;
using Microsoft.Data.Sqlite;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>What only the file store does: survive restarts, report bad files, WAL mode.</summary>
public sealed class SqliteItemStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteItemStore.FileName);

    [Fact]
    public void Creates_the_directory_and_the_database_file()
    {
        var nested = Path.Combine(_directory.Path, "a", "b", "node-1");

        using var store = new SqliteItemStore(nested);

        Assert.True(File.Exists(Path.Combine(nested, "store.db")));
        Assert.Equal(Path.Combine(nested, "store.db"), store.DatabasePath);
        Assert.Equal(nested, store.DataDirectory);
    }

    [Fact]
    public void Reopening_the_directory_returns_items_totals_and_peers()
    {
        var clock = new ManualTimeProvider(At(77_000));
        var full = Full(Key(1, 1));
        var plain = Make(Key(2), ItemSpace.Content, size: 50, storedAtMs: 3, expiresAt: At(10_000));
        var empty = Make(Key(3), ItemSpace.Content, size: 0, storedAtMs: 4);
        Ipv4Endpoint[] peers = [Ipv4Endpoint.Parse("10.1.2.3:49737"), Ipv4Endpoint.Parse("255.255.255.255:65535"), Ipv4Endpoint.Parse("0.0.0.0:0")];

        StoredItem accessed;
        using (var store = new SqliteItemStore(_directory.Path))
        using (var cache = new SqlitePeerCache(_directory.Path, clock))
        {
            store.Put(full);
            store.Put(plain);
            store.Put(empty);
            accessed = store.RecordAccess(ItemSpace.Warehouse, full.Key, At(9_999))!;
            store.AddTotals(3, 8, 1);
            store.AddTotals(1, 0, 0);
            cache.Save(peers);
        }

        using (var reopened = new SqliteItemStore(_directory.Path))
        using (var reopenedCache = new SqlitePeerCache(_directory.Path))
        {
            AssertSame(accessed, reopened.Get(ItemSpace.Warehouse, full.Key));
            AssertSame(plain, reopened.Get(ItemSpace.Content, plain.Key));
            AssertSame(empty, reopened.Get(ItemSpace.Content, empty.Key));
            Assert.Equal(18, accessed.AccessCount);
            Assert.Equal(2, reopened.Count(ItemSpace.Content));
            Assert.Equal(1, reopened.Count(ItemSpace.Warehouse));
            Assert.Equal(full.Size + 50, reopened.TotalBytes());
            Assert.Equal(new StoreTotals(4, 8, 1), reopened.Totals);
            Assert.Equal(peers, reopenedCache.Load());
            Assert.Equal(At(77_000), reopenedCache.SavedAt);
            Assert.Equal([plain.Key, empty.Key], reopened.List(ItemSpace.Content, 0, 10).Select(i => i.Key));

            // The reopened store goes on from where the first one stopped.
            reopened.AddTotals(1, 1, 1);
            Assert.True(reopened.Delete(ItemSpace.Content, plain.Key));
        }

        using var third = new SqliteItemStore(_directory.Path);
        Assert.Equal(new StoreTotals(5, 9, 2), third.Totals);
        Assert.Equal(full.Size, third.TotalBytes());
        Assert.Null(third.Get(ItemSpace.Content, plain.Key));
    }

    [Fact]
    public void Times_are_kept_to_the_millisecond()
    {
        using var store = new SqliteItemStore(_directory.Path);
        var precise = Epoch.AddTicks(1_234_567); // 123.4567 ms after the epoch
        var elsewhere = new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)); // same instant as Epoch
        store.Put(Make(Key(1)) with { StoredAt = precise, LastAccess = elsewhere, ExpiresAt = precise });

        var read = store.Get(ItemSpace.Content, Key(1))!;

        Assert.Equal(At(123), read.StoredAt);
        Assert.Equal(At(123), read.ExpiresAt);
        Assert.Equal(Epoch, read.LastAccess);
        Assert.Equal(TimeSpan.Zero, read.StoredAt.Offset);
    }

    [Fact]
    public void Uses_write_ahead_logging_and_normal_sync()
    {
        using var store = new SqliteItemStore(_directory.Path);
        store.Put(Make(Key(1)));

        Assert.Equal(("wal", 1L), store.ReadSettings());
        Assert.True(File.Exists(DatabasePath + "-wal"));

        using var connection = OpenDirectly(SqliteOpenMode.ReadOnly);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteItemStore.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM items"));
    }

    [Fact]
    public void Has_the_listing_expiry_and_source_indexes()
    {
        new SqliteItemStore(_directory.Path).Dispose();

        using var connection = OpenDirectly(SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        Assert.Equal(["items_by_expiry", "items_by_source", "items_by_stored_at"], names);
    }

    [Fact]
    public void A_file_that_is_not_a_database_gives_a_storage_exception_naming_it()
    {
        File.WriteAllText(DatabasePath, string.Concat(Enumerable.Repeat("this is a text file, not a database. ", 200)));

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(DatabasePath, error.Path);
        Assert.IsType<SqliteException>(error.InnerException);

        // Nothing stays open on the file: it can be replaced and the store opened afresh.
        File.Delete(DatabasePath);
        using var store = new SqliteItemStore(_directory.Path);
        Assert.Equal(0, store.Count(ItemSpace.Content));
    }

    [Fact]
    public void A_directory_where_the_file_should_be_gives_a_storage_exception()
    {
        Directory.CreateDirectory(DatabasePath);

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_that_cannot_be_created_gives_a_storage_exception_naming_it()
    {
        var blocker = Path.Combine(_directory.Path, "a-file");
        File.WriteAllText(blocker, "in the way");
        var wanted = Path.Combine(blocker, "data");

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(wanted));

        Assert.Contains(wanted, error.Message, StringComparison.Ordinal);
        Assert.Equal(wanted, error.Path);
    }

    [Fact]
    public void A_database_with_a_newer_schema_is_refused()
    {
        using (var connection = OpenDirectly(SqliteOpenMode.ReadWriteCreate))
        {
            Scalar(connection, "PRAGMA user_version = 7");
        }

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));

        Assert.Contains("version 7", error.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_programs_database_is_refused()
    {
        using (var connection = OpenDirectly(SqliteOpenMode.ReadWriteCreate))
        {
            Scalar(connection, "CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
        }

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_closes_the_file_so_it_can_be_deleted_and_reopened()
    {
        var store = new SqliteItemStore(_directory.Path);
        store.Put(Make(Key(1)));

        store.Dispose();
        store.Dispose();

        // The last connection to close checkpoints and removes the write-ahead log.
        Assert.False(File.Exists(DatabasePath + "-wal"));
        Assert.Throws<ObjectDisposedException>(() => store.Get(ItemSpace.Content, Key(1)));
        Assert.Throws<ObjectDisposedException>(() => store.Totals);

        using (var reopened = new SqliteItemStore(_directory.Path))
        {
            Assert.NotNull(reopened.Get(ItemSpace.Content, Key(1)));
        }

        File.Delete(DatabasePath);
        using var fresh = new SqliteItemStore(_directory.Path);
        Assert.Equal(0, fresh.Count(ItemSpace.Content));
    }

    [Fact]
    public void Concurrent_use_through_a_storage_node_from_four_threads_keeps_the_store_consistent()
    {
        const int Threads = 4;
        const int PerThread = 200;
        var errors = new ConcurrentQueue<Exception>();
        using var barrier = new Barrier(Threads);

        using (var store = new SqliteItemStore(_directory.Path))
        {
            // The store takes no lock of its own: the storage node's lock serialises every use of it.
            StorageNode storage = null!;
            _ = new SimulatedSwarm().Make(1, onCreated: node => storage = new StorageNode(node, store));
            var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                try
                {
                    barrier.SignalAndWait();
                    for (var i = 0; i < PerThread; i++)
                    {
                        var key = Key((byte)t, (byte)i);
                        storage.WithStore(s =>
                        {
                            s.Put(Make(key, (ItemSpace)(i % 2), size: 10 + t, storedAtMs: i));
                            Assert.NotNull(s.RecordAccess((ItemSpace)(i % 2), key, At(i)));
                            s.AddTotals(1, 1, 0);
                            return 0;
                        });
                        if (i % 4 == 3)
                        {
                            storage.WithStore(s =>
                            {
                                Assert.True(s.Delete((ItemSpace)(i % 2), key));
                                s.AddTotals(0, 0, 1);
                                return 0;
                            });
                        }

                        if (i % 25 == 0)
                        {
                            _ = storage.WithStore(s => s.List(ItemSpace.Content, 0, 50));
                            _ = storage.WithStore(s => s.TotalBytes());
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            })).ToList();

            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());

            Assert.Empty(errors);
            AssertConsistent(store);
        }

        using var reopened = new SqliteItemStore(_directory.Path);
        AssertConsistent(reopened);

        static void AssertConsistent(SqliteItemStore store)
        {
            const int Kept = Threads * PerThread * 3 / 4;
            Assert.Equal(Kept, store.Count(ItemSpace.Content) + store.Count(ItemSpace.Warehouse));
            Assert.Equal(Threads * PerThread / 2, store.Count(ItemSpace.Content));
            Assert.Equal(new StoreTotals(Threads * PerThread, Threads * PerThread, Threads * PerThread / 4), store.Totals);

            var items = store.List(ItemSpace.Content, 0, int.MaxValue).Concat(store.List(ItemSpace.Warehouse, 0, int.MaxValue)).ToList();
            Assert.Equal(Kept, items.Count);
            Assert.All(items, i => Assert.Equal(1, i.AccessCount));
            Assert.Equal(items.Sum(i => (long)i.Size), store.TotalBytes());
            Assert.Equal(Enumerable.Range(0, Threads).Sum(t => PerThread * 3 / 4 * (10 + t)), store.TotalBytes());
        }
    }

    [Fact]
    public void Ten_thousand_items_insert_list_and_expire()
    {
        const int Total = 10_000;
        var random = new Random(12345);
        var expected = new List<StoredItem>(Total);
        using (var store = new SqliteItemStore(_directory.Path))
        {
            for (var i = 0; i < Total; i++)
            {
                var bytes = new byte[NodeId.Size];
                random.NextBytes(bytes);
                var item = Make(NodeId.Read(bytes), size: random.Next(0, 64), storedAtMs: random.Next(0, 50), expiresAt: i % 2 == 0 ? At(100) : null);
                expected.Add(item);
                store.Put(item);
            }

            Assert.Equal(Total, store.Count(ItemSpace.Content));
            Assert.Equal(expected.Sum(i => (long)i.Size), store.TotalBytes());

            var order = expected.OrderBy(i => i.StoredAt).ThenBy(i => i.Key).Select(i => i.Key).ToList();
            var listed = new List<NodeId>(Total);
            for (var offset = 0; offset < Total; offset += 1000)
            {
                listed.AddRange(store.List(ItemSpace.Content, offset, 1000).Select(i => i.Key));
            }

            Assert.Equal(order, listed);
            Assert.Equal(Total / 2, store.RemoveExpired(At(100)));
        }

        using var reopened = new SqliteItemStore(_directory.Path);
        var kept = expected.Where((_, i) => i % 2 == 1).ToList();
        Assert.Equal(kept.Count, reopened.Count(ItemSpace.Content));
        Assert.Equal(kept.Sum(i => (long)i.Size), reopened.TotalBytes());
        Assert.Equal(kept.Select(i => i.Key).Order(), reopened.Keys(ItemSpace.Content));
    }

    private SqliteConnection OpenDirectly(SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = mode,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
