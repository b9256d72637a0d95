using DhtRpc.Storage.Stores;
using Microsoft.Data.Sqlite;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>
/// A store is checked before it serves: an empty or damaged file is refused with one sentence naming the
/// file and what to do, and a version-1 file is upgraded in place with nothing lost.
/// </summary>
public sealed class SqliteIntegrityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteItemStore.FileName);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_empty_file_is_refused_instead_of_starting_a_new_store_in_it()
    {
        File.WriteAllBytes(DatabasePath, []);
        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(0, new FileInfo(DatabasePath).Length);
    }

    [Fact]
    public void A_damaged_index_is_refused_at_open()
    {
        using (var store = new SqliteItemStore(_directory.Path))
        {
            for (var i = 0; i < 400; i++)
            {
                store.Put(Items.Make(Items.Key((byte)(i % 256), (byte)(i / 256)), ItemSpace.Warehouse, size: 40, storedAtMs: i));
            }
        }

        long pageSize;
        long rootPage;
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
            pageSize = Scalar(connection, "PRAGMA page_size");
            rootPage = Scalar(connection, "SELECT rootpage FROM sqlite_schema WHERE name = 'items_by_stored_at'");
        }

        using (var file = new FileStream(DatabasePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = (rootPage - 1) * pageSize;
            var garbage = new byte[pageSize];
            new Random(3).NextBytes(garbage);
            file.Write(garbage);
        }

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path));
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it from a backup", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("***", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_file_is_upgraded_with_its_items_sources_and_counts()
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                PRAGMA journal_mode = WAL;
                CREATE TABLE items (space INTEGER NOT NULL, key BLOB NOT NULL CHECK (length(key) = 32), value BLOB NOT NULL,
                    stored_at INTEGER NOT NULL, stored_by TEXT NOT NULL, access_count INTEGER NOT NULL DEFAULT 0,
                    last_access INTEGER NULL, expires_at INTEGER NULL, owner_key BLOB NULL, sequence INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (space, key));
                CREATE INDEX items_by_stored_at ON items (space, stored_at, key);
                CREATE INDEX items_by_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
                CREATE TABLE totals (id INTEGER PRIMARY KEY CHECK (id = 0), stored INTEGER NOT NULL, served INTEGER NOT NULL, deleted INTEGER NOT NULL);
                INSERT INTO totals VALUES (0, 2, 0, 0);
                CREATE TABLE peers (position INTEGER PRIMARY KEY, address INTEGER NOT NULL, port INTEGER NOT NULL, saved_at INTEGER NOT NULL);
                INSERT INTO items (space, key, value, stored_at, stored_by) VALUES (1, zeroblob(32), x'0102', 5, '20.1.2.3:49737');
                INSERT INTO items (space, key, value, stored_at, stored_by) VALUES (0, randomblob(32), x'010203', 6, '20.1.2.3:50000');
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteItemStore(_directory.Path);
        Assert.Equal(new SourceUsage(2, 5), store.UsageOf("20.1.2.3"));
        Assert.Equal(1, store.Count(ItemSpace.Warehouse));
        Assert.Equal(1, store.Count(ItemSpace.Content));
        Assert.Equal("20.1.2.3", store.OldestFrom("20.1.2.3")?.Source);
        Assert.Equal(new StoreTotals(2, 0, 0), store.Totals);
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
