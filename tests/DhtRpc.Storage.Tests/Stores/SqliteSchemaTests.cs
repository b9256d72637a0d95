using DhtRpc.Storage.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>The pieces under the file store: opening and schema, the totals row, the row mapping.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Opening_twice_keeps_one_schema_at_the_current_version()
    {
        using (var first = SqliteDatabase.Open(_directory.Path, NullLogger.Instance))
        {
            Assert.Equal((long)SqliteSchema.Version, first.ScalarInt64("PRAGMA user_version"));
        }

        using var second = SqliteDatabase.Open(_directory.Path, NullLogger.Instance);
        Assert.Equal(4L, second.ScalarInt64("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")); // items, totals, peers, tombstones
        Assert.Equal("wal", second.Scalar("PRAGMA journal_mode"));
    }

    [Fact]
    public void Totals_are_kept_in_memory_and_in_the_row()
    {
        using (var database = SqliteDatabase.Open(_directory.Path, NullLogger.Instance))
        {
            var totals = new SqliteTotals(database);
            Assert.Equal(new StoreTotals(0, 0, 0), totals.Current);
            totals.Add(2, 3, 1);
            totals.Add(1, 0, 0);
            Assert.Equal(new StoreTotals(3, 3, 1), totals.Current);
        }

        using var reopened = SqliteDatabase.Open(_directory.Path, NullLogger.Instance);
        Assert.Equal(new StoreTotals(3, 3, 1), new SqliteTotals(reopened).Current);
    }

    [Fact]
    public void A_missing_totals_row_is_reported_with_the_path()
    {
        using var database = SqliteDatabase.Open(_directory.Path, NullLogger.Instance);
        database.Execute("DELETE FROM totals");

        var error = Assert.Throws<StorageException>(() => new SqliteTotals(database));

        Assert.Contains("no totals row", error.Message, StringComparison.Ordinal);
        Assert.Equal(database.DatabasePath, error.Path);
    }

    [Fact]
    public void A_row_binds_and_reads_back_every_column()
    {
        var item = Make(Key(7, 9), ItemSpace.Warehouse, size: 12, storedAtMs: 40, expiresAt: At(90)) with
        {
            AccessCount = 5,
            LastAccess = At(60),
            OwnerKey = new byte[32],
            Sequence = 11,
            Signature = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(),
        };
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT $a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $k, $l";
        foreach (var name in new[] { "$a", "$b", "$c", "$d", "$e", "$f", "$g", "$h", "$i", "$j", "$k", "$l" })
        {
            command.Parameters.AddWithValue(name, DBNull.Value);
        }

        SqliteRows.BindItem(command.Parameters, item);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var read = SqliteRows.ReadItem(reader);

        Assert.Equal(item with { Value = read.Value, OwnerKey = read.OwnerKey, Signature = read.Signature }, read);
        Assert.Equal(item.Value, read.Value);
        Assert.Equal(item.OwnerKey, read.OwnerKey);
        Assert.Equal(item.Signature, read.Signature);
        Assert.Equal(item.Source, reader.GetString(11));
    }
}
