using DhtRpc.Wire;
using DhtRpc.Storage.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// A store kept in a SQLite file, <c>store.db</c> in the node's data directory, in WAL mode with
/// <c>synchronous=NORMAL</c>: a killed process loses no committed write, and the file stays consistent.
/// Holds the items and the totals; the peers a node remembers live in the same file but are kept by
/// <see cref="SqlitePeerCache"/>.
/// </summary>
/// <remarks>
/// <para>
/// Times are kept as Unix milliseconds: a <see cref="DateTimeOffset"/> read back equals the one
/// written truncated to the millisecond (with offset zero), and expiry is compared at that precision.
/// </para>
/// <para>
/// Like every <see cref="IItemStore"/>, it is not thread-safe: its owner serialises the calls
/// (<see cref="StorageNode"/> holds one lock around each use).
/// </para>
/// </remarks>
public sealed class SqliteItemStore : IItemStore
{
    /// <summary>Name of the database file inside the data directory.</summary>
    public const string FileName = "store.db";

    /// <summary>The schema this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = SqliteSchema.Version;

    private const string Columns =
        "space, key, value, stored_at, stored_by, access_count, last_access, expires_at, owner_key, sequence";

    private readonly SqliteDatabase _database;
    private SqliteTotals _totals = null!;
    private SqliteCommand _get = null!;
    private SqliteCommand _sizeOf = null!;
    private SqliteCommand _put = null!;
    private SqliteCommand _delete = null!;
    private SqliteCommand _recordAccess = null!;
    private SqliteCommand _list = null!;
    private SqliteCommand _keys = null!;
    private SqliteCommand _count = null!;
    private SqliteCommand _removeExpired = null!;
    private long _bytes;
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) <c>store.db</c> in <paramref name="dataDirectory"/>, creating the directory if needed.
    /// </summary>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="logger">Where opening, closing and database errors are logged; nowhere when null.</param>
    /// <exception cref="StorageException">
    /// The directory cannot be created, or the file is not a store database (not SQLite, damaged, or a newer schema).
    /// </exception>
    public SqliteItemStore(string dataDirectory, ILogger<SqliteItemStore>? logger = null)
    {
        _database = SqliteDatabase.Open(dataDirectory, (ILogger?)logger ?? NullLogger.Instance);
        _database.Initialise(() =>
        {
            PrepareCommands();
            if (_database.Logger.IsEnabled(LogLevel.Information))
            {
                _database.Logger.StoreOpened(DatabasePath, _database.ScalarInt64("SELECT count(*) FROM items"), _bytes);
            }
        });
    }

    /// <summary>Full path of the data directory.</summary>
    public string DataDirectory => _database.DataDirectory;

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <inheritdoc/>
    public StoreTotals Totals
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _totals.Current;
        }
    }

    /// <inheritdoc/>
    public StoredItem? Get(ItemSpace space, NodeId key) => Run(() =>
    {
        BindKey(_get, space, key);
        using var reader = _get.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadItem(reader) : null;
    });

    /// <inheritdoc/>
    public void Put(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Run(() =>
        {
            BindKey(_sizeOf, item.Space, item.Key);
            var old = _sizeOf.ExecuteScalar() is long size ? size : 0;

            SqliteRows.BindItem(_put.Parameters, item);
            _put.ExecuteNonQuery();

            _bytes += item.Size - old;
            return 0;
        });
    }

    /// <inheritdoc/>
    public bool Delete(ItemSpace space, NodeId key) => Run(() =>
    {
        BindKey(_delete, space, key);
        var removed = SumReturnedSizes(_delete, out var bytes);
        _bytes -= bytes;
        return removed > 0;
    });

    /// <inheritdoc/>
    public StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at) => Run(() =>
    {
        BindKey(_recordAccess, space, key);
        _recordAccess.Parameters[2].Value = at.ToUnixTimeMilliseconds();
        using var reader = _recordAccess.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var item = SqliteRows.ReadItem(reader);
        while (reader.Read())
        {
            // The key is the primary key: one row at most; drain so the update completes.
        }

        return item;
    });

    /// <inheritdoc/>
    public IReadOnlyList<StoredItem> List(ItemSpace space, int offset, int limit)
    {
        // Same as Skip/Take: a negative offset starts at the beginning, a non-positive limit gives nothing
        // (SQLite would read a negative LIMIT as "no limit").
        if (limit <= 0)
        {
            return [];
        }

        return Run(() =>
        {
            _list.Parameters[0].Value = (long)space;
            _list.Parameters[1].Value = (long)limit;
            _list.Parameters[2].Value = (long)Math.Max(offset, 0);
            var items = new List<StoredItem>();
            using var reader = _list.ExecuteReader();
            while (reader.Read())
            {
                items.Add(SqliteRows.ReadItem(reader));
            }

            return items;
        });
    }

    /// <summary>Every key of a space, in ascending byte order.</summary>
    public IReadOnlyList<NodeId> Keys(ItemSpace space) => Run(() =>
    {
        _keys.Parameters[0].Value = (long)space;
        var keys = new List<NodeId>();
        using var reader = _keys.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(NodeId.Read(reader.GetFieldValue<byte[]>(0)));
        }

        return keys;
    });

    /// <inheritdoc/>
    public int Count(ItemSpace space) => Run(() =>
    {
        _count.Parameters[0].Value = (long)space;
        return checked((int)(long)_count.ExecuteScalar()!);
    });

    /// <inheritdoc/>
    public long TotalBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _bytes;
    }

    /// <inheritdoc/>
    public int RemoveExpired(DateTimeOffset now) => Run(() =>
    {
        _removeExpired.Parameters[0].Value = now.ToUnixTimeMilliseconds();
        var removed = SumReturnedSizes(_removeExpired, out var bytes);
        _bytes -= bytes;
        return removed;
    });

    /// <inheritdoc/>
    public void AddTotals(long stored, long served, long deleted) => Run(() =>
    {
        _totals.Add(stored, served, deleted);
        return 0;
    });

    /// <summary>Closes the database; the file can then be reopened, moved or deleted.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _database.Dispose();
        _database.Logger.StoreClosed(DatabasePath);
    }

    /// <summary>The connection's journal mode and synchronous level (1 = NORMAL), for tests.</summary>
    internal (string JournalMode, long Synchronous) ReadSettings()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ((string)_database.Scalar("PRAGMA journal_mode")!, _database.ScalarInt64("PRAGMA synchronous"));
    }

    private void PrepareCommands()
    {
        _get = _database.Prepare($"SELECT {Columns} FROM items WHERE space = $space AND key = $key", "$space", "$key");
        _sizeOf = _database.Prepare("SELECT length(value) FROM items WHERE space = $space AND key = $key", "$space", "$key");
        _put = _database.Prepare(
            $"""
            INSERT OR REPLACE INTO items ({Columns})
            VALUES ($space, $key, $value, $stored_at, $stored_by, $access_count, $last_access, $expires_at, $owner_key, $sequence)
            """,
            "$space", "$key", "$value", "$stored_at", "$stored_by", "$access_count", "$last_access", "$expires_at", "$owner_key", "$sequence");
        _delete = _database.Prepare("DELETE FROM items WHERE space = $space AND key = $key RETURNING length(value)", "$space", "$key");
        _recordAccess = _database.Prepare(
            $"""
            UPDATE items SET access_count = access_count + 1, last_access = $at
            WHERE space = $space AND key = $key
            RETURNING {Columns}
            """,
            "$space", "$key", "$at");
        _list = _database.Prepare(
            $"SELECT {Columns} FROM items WHERE space = $space ORDER BY stored_at, key LIMIT $limit OFFSET $offset",
            "$space", "$limit", "$offset");
        _keys = _database.Prepare("SELECT key FROM items WHERE space = $space ORDER BY key", "$space");
        _count = _database.Prepare("SELECT count(*) FROM items WHERE space = $space", "$space");
        _removeExpired = _database.Prepare("DELETE FROM items WHERE expires_at <= $now RETURNING length(value)", "$now");
        _totals = new SqliteTotals(_database);
        _bytes = _database.ScalarInt64("SELECT coalesce(sum(length(value)), 0) FROM items");
    }

    /// <summary>Runs one statement's work on the open database, reporting a SQLite error as a <see cref="StorageException"/>.</summary>
    private T Run<T>(Func<T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            throw _database.Failed(e);
        }
    }

    private static void BindKey(SqliteCommand command, ItemSpace space, NodeId key)
    {
        command.Parameters[0].Value = (long)space;
        command.Parameters[1].Value = key.ToArray();
    }

    /// <summary>Runs a DELETE … RETURNING length(value); returns the rows removed and their value bytes.</summary>
    private static int SumReturnedSizes(SqliteCommand command, out long bytes)
    {
        bytes = 0;
        var rows = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            bytes += reader.GetInt64(0);
            rows++;
        }

        return rows;
    }
}
