using DhtRpc.Wire;
using Microsoft.Data.Sqlite;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// A store kept in a SQLite file, <c>store.db</c> in the node's data directory, in WAL mode with
/// <c>synchronous=NORMAL</c>: a crash can lose the last few writes but leaves the file consistent.
/// Besides the items and the totals it remembers known peers, so a restarted node can rejoin
/// without its bootstrap nodes.
/// </summary>
/// <remarks>
/// <para>
/// Times are kept as Unix milliseconds: a <see cref="DateTimeOffset"/> read back equals the one
/// written truncated to the millisecond (with offset zero), and expiry is compared at that precision.
/// </para>
/// <para>
/// The store owns one connection and is meant to be used from one thread at a time (the node's own
/// context). Every call still takes a lock, so accidental concurrent use is serialised, not harmful.
/// </para>
/// </remarks>
public sealed class SqliteItemStore : IItemStore
{
    /// <summary>Name of the database file inside the data directory.</summary>
    public const string FileName = "store.db";

    /// <summary>The schema this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    private const string Columns =
        "space, key, value, stored_at, stored_by, access_count, last_access, expires_at, owner_key, sequence";

    private const string CreateSchema =
        """
        CREATE TABLE items (
            space        INTEGER NOT NULL,
            key          BLOB    NOT NULL CHECK (length(key) = 32),
            value        BLOB    NOT NULL,
            stored_at    INTEGER NOT NULL,
            stored_by    TEXT    NOT NULL,
            access_count INTEGER NOT NULL DEFAULT 0,
            last_access  INTEGER NULL,
            expires_at   INTEGER NULL,
            owner_key    BLOB    NULL,
            sequence     INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (space, key)
        );
        CREATE INDEX items_by_stored_at ON items (space, stored_at, key);
        CREATE INDEX items_by_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE totals (
            id      INTEGER PRIMARY KEY CHECK (id = 0),
            stored  INTEGER NOT NULL,
            served  INTEGER NOT NULL,
            deleted INTEGER NOT NULL
        );
        INSERT INTO totals (id, stored, served, deleted) VALUES (0, 0, 0, 0);
        CREATE TABLE peers (
            position INTEGER PRIMARY KEY,
            address  INTEGER NOT NULL,
            port     INTEGER NOT NULL,
            saved_at INTEGER NOT NULL
        );
        PRAGMA user_version = 1;
        """;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly List<SqliteCommand> _commands = [];
    private readonly SqliteCommand _get;
    private readonly SqliteCommand _sizeOf;
    private readonly SqliteCommand _put;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _recordAccess;
    private readonly SqliteCommand _list;
    private readonly SqliteCommand _keys;
    private readonly SqliteCommand _count;
    private readonly SqliteCommand _removeExpired;
    private readonly SqliteCommand _addTotals;
    private readonly SqliteCommand _clearPeers;
    private readonly SqliteCommand _insertPeer;
    private readonly SqliteCommand _loadPeers;
    private readonly SqliteCommand _peersSavedAt;
    private long _bytes;
    private StoreTotals _totals;
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) <c>store.db</c> in <paramref name="dataDirectory"/>, creating the directory if needed.
    /// </summary>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="timeProvider">Clock used to stamp saved peers; the system clock when null.</param>
    /// <exception cref="StorageException">
    /// The directory cannot be created, or the file is not a store database (not SQLite, damaged, or a newer schema).
    /// </exception>
    public SqliteItemStore(string dataDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        _time = timeProvider ?? TimeProvider.System;
        DataDirectory = Path.GetFullPath(dataDirectory);
        DatabasePath = Path.Combine(DataDirectory, FileName);

        try
        {
            Directory.CreateDirectory(DataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StorageException($"Cannot create the data directory '{DataDirectory}': {e.Message}", DataDirectory, e);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        _connection = new SqliteConnection(connectionString);

        try
        {
            _connection.Open();
            OpenSchema();

            _get = Prepare($"SELECT {Columns} FROM items WHERE space = $space AND key = $key", "$space", "$key");
            _sizeOf = Prepare("SELECT length(value) FROM items WHERE space = $space AND key = $key", "$space", "$key");
            _put = Prepare(
                $"""
                INSERT OR REPLACE INTO items ({Columns})
                VALUES ($space, $key, $value, $stored_at, $stored_by, $access_count, $last_access, $expires_at, $owner_key, $sequence)
                """,
                "$space", "$key", "$value", "$stored_at", "$stored_by", "$access_count", "$last_access", "$expires_at", "$owner_key", "$sequence");
            _delete = Prepare("DELETE FROM items WHERE space = $space AND key = $key RETURNING length(value)", "$space", "$key");
            _recordAccess = Prepare(
                $"""
                UPDATE items SET access_count = access_count + 1, last_access = $at
                WHERE space = $space AND key = $key
                RETURNING {Columns}
                """,
                "$space", "$key", "$at");
            _list = Prepare(
                $"SELECT {Columns} FROM items WHERE space = $space ORDER BY stored_at, key LIMIT $limit OFFSET $offset",
                "$space", "$limit", "$offset");
            _keys = Prepare("SELECT key FROM items WHERE space = $space ORDER BY key", "$space");
            _count = Prepare("SELECT count(*) FROM items WHERE space = $space", "$space");
            _removeExpired = Prepare("DELETE FROM items WHERE expires_at <= $now RETURNING length(value)", "$now");
            _addTotals = Prepare(
                "UPDATE totals SET stored = stored + $stored, served = served + $served, deleted = deleted + $deleted WHERE id = 0",
                "$stored", "$served", "$deleted");
            _clearPeers = Prepare("DELETE FROM peers");
            _insertPeer = Prepare(
                "INSERT INTO peers (position, address, port, saved_at) VALUES ($position, $address, $port, $saved_at)",
                "$position", "$address", "$port", "$saved_at");
            _loadPeers = Prepare("SELECT address, port FROM peers ORDER BY position");
            _peersSavedAt = Prepare("SELECT max(saved_at) FROM peers");

            _bytes = ScalarInt64("SELECT coalesce(sum(length(value)), 0) FROM items");
            _totals = ReadTotals();
        }
        catch (SqliteException e)
        {
            CloseConnection();
            throw new StorageException($"Cannot open the store database '{DatabasePath}': {e.Message}", DatabasePath, e);
        }
        catch
        {
            CloseConnection();
            throw;
        }
    }

    /// <summary>Full path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    public StoreTotals Totals
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _totals;
            }
        }
    }

    public StoredItem? Get(ItemSpace space, NodeId key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                BindKey(_get, space, key);
                using var reader = _get.ExecuteReader();
                return reader.Read() ? ReadItem(reader) : null;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public void Put(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                BindKey(_sizeOf, item.Space, item.Key);
                var old = _sizeOf.ExecuteScalar() is long size ? size : 0;

                var p = _put.Parameters;
                p[0].Value = (long)item.Space;
                p[1].Value = item.Key.ToArray();
                p[2].Value = item.Value;
                p[3].Value = item.StoredAt.ToUnixTimeMilliseconds();
                p[4].Value = item.StoredBy;
                p[5].Value = item.AccessCount;
                p[6].Value = Nullable(item.LastAccess);
                p[7].Value = Nullable(item.ExpiresAt);
                p[8].Value = (object?)item.OwnerKey ?? DBNull.Value;
                p[9].Value = item.Sequence;
                _put.ExecuteNonQuery();

                _bytes += item.Size - old;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public bool Delete(ItemSpace space, NodeId key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                BindKey(_delete, space, key);
                var removed = SumReturnedSizes(_delete, out var bytes);
                _bytes -= bytes;
                return removed > 0;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                BindKey(_recordAccess, space, key);
                _recordAccess.Parameters[2].Value = at.ToUnixTimeMilliseconds();
                using var reader = _recordAccess.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                var item = ReadItem(reader);
                while (reader.Read())
                {
                    // The key is the primary key: one row at most; drain so the update completes.
                }

                return item;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public IReadOnlyList<StoredItem> List(ItemSpace space, int offset, int limit)
    {
        // Same as Skip/Take: a negative offset starts at the beginning, a non-positive limit gives nothing
        // (SQLite would read a negative LIMIT as "no limit").
        if (limit <= 0)
        {
            return [];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _list.Parameters[0].Value = (long)space;
                _list.Parameters[1].Value = (long)limit;
                _list.Parameters[2].Value = (long)Math.Max(offset, 0);
                var items = new List<StoredItem>();
                using var reader = _list.ExecuteReader();
                while (reader.Read())
                {
                    items.Add(ReadItem(reader));
                }

                return items;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    /// <summary>Every key of a space, in ascending byte order.</summary>
    public IReadOnlyList<NodeId> Keys(ItemSpace space)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _keys.Parameters[0].Value = (long)space;
                var keys = new List<NodeId>();
                using var reader = _keys.ExecuteReader();
                while (reader.Read())
                {
                    keys.Add(NodeId.Read(reader.GetFieldValue<byte[]>(0)));
                }

                return keys;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public int Count(ItemSpace space)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _count.Parameters[0].Value = (long)space;
                return checked((int)(long)_count.ExecuteScalar()!);
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public long TotalBytes()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    public int RemoveExpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _removeExpired.Parameters[0].Value = now.ToUnixTimeMilliseconds();
                var removed = SumReturnedSizes(_removeExpired, out var bytes);
                _bytes -= bytes;
                return removed;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    public void AddTotals(long stored, long served, long deleted)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _addTotals.Parameters[0].Value = stored;
                _addTotals.Parameters[1].Value = served;
                _addTotals.Parameters[2].Value = deleted;
                _addTotals.ExecuteNonQuery();
                _totals = new StoreTotals(_totals.Stored + stored, _totals.Served + served, _totals.Deleted + deleted);
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    /// <summary>
    /// Replaces the remembered peers with <paramref name="peers"/> (kept in the given order), stamped with
    /// the current time. A restarted node can rejoin through them without its bootstrap nodes.
    /// </summary>
    public void SavePeers(IReadOnlyList<Ipv4Endpoint> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var savedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
                using var transaction = _connection.BeginTransaction();
                _clearPeers.Transaction = transaction;
                _insertPeer.Transaction = transaction;
                try
                {
                    _clearPeers.ExecuteNonQuery();
                    for (var i = 0; i < peers.Count; i++)
                    {
                        _insertPeer.Parameters[0].Value = (long)i;
                        _insertPeer.Parameters[1].Value = (long)peers[i].Address;
                        _insertPeer.Parameters[2].Value = (long)peers[i].Port;
                        _insertPeer.Parameters[3].Value = savedAt;
                        _insertPeer.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }
                finally
                {
                    _clearPeers.Transaction = null;
                    _insertPeer.Transaction = null;
                }
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    /// <summary>The peers last given to <see cref="SavePeers"/>, in the order given; empty when none were saved.</summary>
    public IReadOnlyList<Ipv4Endpoint> LoadPeers()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var peers = new List<Ipv4Endpoint>();
                using var reader = _loadPeers.ExecuteReader();
                while (reader.Read())
                {
                    peers.Add(new Ipv4Endpoint(checked((uint)reader.GetInt64(0)), checked((ushort)reader.GetInt64(1))));
                }

                return peers;
            }
            catch (SqliteException e)
            {
                throw Failed(e);
            }
        }
    }

    /// <summary>When the remembered peers were saved (millisecond precision); null when there are none.</summary>
    public DateTimeOffset? PeersSavedAt
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                try
                {
                    return _peersSavedAt.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
                }
                catch (SqliteException e)
                {
                    throw Failed(e);
                }
            }
        }
    }

    /// <summary>Closes the database; the file can then be reopened, moved or deleted.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseConnection();
        }
    }

    /// <summary>The connection's journal mode and synchronous level (1 = NORMAL), for tests.</summary>
    internal (string JournalMode, long Synchronous) ReadSettings()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ((string)Scalar("PRAGMA journal_mode")!, ScalarInt64("PRAGMA synchronous"));
        }
    }

    private void OpenSchema()
    {
        var mode = Scalar("PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException(
                $"The store database '{DatabasePath}' cannot use write-ahead logging (journal mode is '{mode}').",
                DatabasePath,
                null);
        }

        Execute("PRAGMA synchronous = NORMAL");

        var version = ScalarInt64("PRAGMA user_version");
        if (version == SchemaVersion)
        {
            return;
        }

        if (version != 0)
        {
            throw new StorageException(
                $"The store database '{DatabasePath}' has schema version {version}; this program reads version {SchemaVersion}.",
                DatabasePath,
                null);
        }

        if (ScalarInt64("SELECT count(*) FROM sqlite_schema") != 0)
        {
            throw new StorageException(
                $"'{DatabasePath}' is a SQLite database but not a store database (it holds other tables).",
                DatabasePath,
                null);
        }

        using var transaction = _connection.BeginTransaction();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = CreateSchema;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private StoreTotals ReadTotals()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT stored, served, deleted FROM totals WHERE id = 0";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new StorageException($"The store database '{DatabasePath}' has no totals row.", DatabasePath, null);
        }

        return new StoreTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        _commands.Add(command);
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.AddWithValue(name, DBNull.Value);
        }

        command.Prepare();
        return command;
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private long ScalarInt64(string sql) => Scalar(sql) is long value ? value : 0;

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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

    private static object Nullable(DateTimeOffset? value) =>
        value is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;

    private static DateTimeOffset? ReadNullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static StoredItem ReadItem(SqliteDataReader reader) => new()
    {
        Space = (ItemSpace)reader.GetInt64(0),
        Key = NodeId.Read(reader.GetFieldValue<byte[]>(1)),
        Value = reader.GetFieldValue<byte[]>(2),
        StoredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        StoredBy = reader.GetString(4),
        AccessCount = reader.GetInt64(5),
        LastAccess = ReadNullableTime(reader, 6),
        ExpiresAt = ReadNullableTime(reader, 7),
        OwnerKey = reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
        Sequence = reader.GetInt64(9),
    };

    private StorageException Failed(SqliteException e) =>
        new($"The store database '{DatabasePath}' failed: {e.Message}", DatabasePath, e);

    private void CloseConnection()
    {
        foreach (var command in _commands)
        {
            command.Dispose();
        }

        _commands.Clear();

        // Keep no pooled handle on the file: once closed it can be reopened, moved or deleted.
        SqliteConnection.ClearPool(_connection);
        _connection.Dispose();
    }
}
