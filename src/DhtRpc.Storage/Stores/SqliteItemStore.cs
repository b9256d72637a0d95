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
        "space, key, value, stored_at, stored_by, access_count, last_access, expires_at, owner_key, sequence, signature, source";

    private readonly SqliteDatabase _database;
    private readonly StoreAccounting _accounting = new();
    private SqliteTotals _totals = null!;
    private SqliteTombstones _tombstones = null!;
    private SqliteCommand _get = null!;
    private SqliteCommand _existing = null!;
    private SqliteCommand _put = null!;
    private SqliteCommand _delete = null!;
    private SqliteCommand _recordAccess = null!;
    private SqliteCommand _list = null!;
    private SqliteCommand _keys = null!;
    private SqliteCommand _oldestFrom = null!;
    private SqliteCommand _signedKeys = null!;
    private SqliteCommand _removeExpired = null!;
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
                _database.Logger.StoreOpened(DatabasePath, _accounting.Count(ItemSpace.Content) + _accounting.Count(ItemSpace.Warehouse), _accounting.Bytes);
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
            BindKey(_existing, item.Space, item.Key);
            (long Size, string Source)? old = null;
            using (var reader = _existing.ExecuteReader())
            {
                if (reader.Read())
                {
                    old = (reader.GetInt64(0), reader.GetString(1));
                }
            }

            SqliteRows.BindItem(_put.Parameters, item);
            _put.ExecuteNonQuery();

            if (old is { } replaced)
            {
                _accounting.Removed(item.Space, replaced.Source, replaced.Size);
            }

            _accounting.Added(item.Space, item.Source, item.Size);
            return 0;
        });
    }

    /// <inheritdoc/>
    public bool Delete(ItemSpace space, NodeId key) => Run(() =>
    {
        BindKey(_delete, space, key);
        return ForgetReturned(_delete) > 0;
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
    public IReadOnlyList<NodeId> SignedKeys() => Run(() =>
    {
        var keys = new List<NodeId>();
        using var reader = _signedKeys.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(NodeId.Read(reader.GetFieldValue<byte[]>(0)));
        }

        return keys;
    });

    /// <inheritdoc/>
    public int Count(ItemSpace space)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _accounting.Count(space);
    }

    /// <inheritdoc/>
    public long TotalBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _accounting.Bytes;
    }

    /// <inheritdoc/>
    public SourceUsage UsageOf(string source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _accounting.UsageOf(source);
    }

    /// <inheritdoc/>
    public string? LargestSource()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _accounting.LargestSource();
    }

    /// <inheritdoc/>
    public StoredItem? OldestFrom(string source) => Run(() =>
    {
        _oldestFrom.Parameters[0].Value = source;
        using var reader = _oldestFrom.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadItem(reader) : null;
    });

    /// <inheritdoc/>
    public Tombstone? GetTombstone(ItemSpace space, NodeId key) => Run(() => _tombstones.Get(space, key));

    /// <inheritdoc/>
    public void PutTombstone(Tombstone tombstone)
    {
        ArgumentNullException.ThrowIfNull(tombstone);
        Run(() =>
        {
            _tombstones.Put(tombstone);
            return 0;
        });
    }

    /// <inheritdoc/>
    public int RemoveExpired(DateTimeOffset now) => Run(() =>
    {
        _tombstones.RemoveLapsed(now);
        _removeExpired.Parameters[0].Value = now.ToUnixTimeMilliseconds();
        return ForgetReturned(_removeExpired);
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

    /// <summary>Caps the file at <paramref name="pages"/> pages, as a full disk would, for tests of what a full store answers.</summary>
    internal void LimitPages(long pages)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _database.Scalar($"PRAGMA max_page_count = {pages}");
    }

    /// <summary>Pages the file has now.</summary>
    internal long ReadPageCount()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _database.ScalarInt64("PRAGMA page_count");
    }

    private void PrepareCommands()
    {
        _get = _database.Prepare($"SELECT {Columns} FROM items WHERE space = $space AND key = $key", "$space", "$key");
        _existing = _database.Prepare("SELECT length(value), source FROM items WHERE space = $space AND key = $key", "$space", "$key");
        _put = _database.Prepare(
            $"""
            INSERT OR REPLACE INTO items ({Columns})
            VALUES ($space, $key, $value, $stored_at, $stored_by, $access_count, $last_access, $expires_at, $owner_key, $sequence, $signature, $source)
            """,
            "$space", "$key", "$value", "$stored_at", "$stored_by", "$access_count", "$last_access", "$expires_at", "$owner_key", "$sequence", "$signature", "$source");
        _delete = _database.Prepare("DELETE FROM items WHERE space = $space AND key = $key RETURNING space, source, length(value)", "$space", "$key");
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
        _signedKeys = _database.Prepare("SELECT key FROM items WHERE space = 1 AND signature IS NOT NULL ORDER BY key");
        _oldestFrom = _database.Prepare($"SELECT {Columns} FROM items WHERE source = $source ORDER BY stored_at LIMIT 1", "$source");
        _removeExpired = _database.Prepare("DELETE FROM items WHERE expires_at <= $now RETURNING space, source, length(value)", "$now");
        _totals = new SqliteTotals(_database);
        _tombstones = new SqliteTombstones(_database);
        LoadAccounting();
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

    /// <summary>The one scan: counts per space and source, read once at open and kept from then on.</summary>
    private void LoadAccounting()
    {
        using var command = _database.CreateCommand("SELECT space, source, count(*), sum(length(value)) FROM items GROUP BY space, source");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _accounting.Load((ItemSpace)reader.GetInt64(0), reader.GetString(1), checked((int)reader.GetInt64(2)), reader.GetInt64(3));
        }
    }

    /// <summary>Runs a DELETE … RETURNING space, source, length(value) and takes the removed rows off the counts.</summary>
    private int ForgetReturned(SqliteCommand command)
    {
        var rows = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _accounting.Removed((ItemSpace)reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2));
            rows++;
        }

        return rows;
    }
}
