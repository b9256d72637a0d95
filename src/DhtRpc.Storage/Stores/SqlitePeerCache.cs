using DhtRpc.Wire;
using DhtRpc.Storage.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// The peers a node knew when it last saved them, kept in the <c>peers</c> table of <c>store.db</c> in
/// the data directory (the file <see cref="SqliteItemStore"/> uses, through a connection of its own), so
/// a restarted node can rejoin without its bootstrap nodes.
/// </summary>
/// <remarks>
/// Not thread-safe: the owner serialises the calls. Opening an empty directory creates the whole
/// store schema, so the item store can open the same file later.
/// </remarks>
public sealed class SqlitePeerCache : IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private SqliteCommand _clear = null!;
    private SqliteCommand _insert = null!;
    private SqliteCommand _load = null!;
    private SqliteCommand _savedAt = null!;
    private bool _disposed;

    /// <summary>Opens (or creates) <c>store.db</c> in <paramref name="dataDirectory"/>, creating the directory if needed.</summary>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="timeProvider">Clock used to stamp saved peers; the system clock when null.</param>
    /// <param name="logger">Where loads, saves and database errors are logged; nowhere when null.</param>
    /// <exception cref="StorageException">
    /// The directory cannot be created, or the file is not a store database (not SQLite, damaged, or a newer schema).
    /// </exception>
    public SqlitePeerCache(string dataDirectory, TimeProvider? timeProvider = null, ILogger<SqlitePeerCache>? logger = null)
    {
        _time = timeProvider ?? TimeProvider.System;

        // The item store checked the file's integrity when it opened it; one check per start is enough.
        _database = SqliteDatabase.Open(dataDirectory, (ILogger?)logger ?? NullLogger.Instance, checkIntegrity: false);
        _database.Initialise(() =>
        {
            _clear = _database.Prepare("DELETE FROM peers");
            _insert = _database.Prepare(
                "INSERT INTO peers (position, address, port, saved_at) VALUES ($position, $address, $port, $saved_at)",
                "$position", "$address", "$port", "$saved_at");
            _load = _database.Prepare("SELECT address, port FROM peers ORDER BY position");
            _savedAt = _database.Prepare("SELECT max(saved_at) FROM peers");
        });
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>When the remembered peers were saved (millisecond precision); null when there are none.</summary>
    public DateTimeOffset? SavedAt => Run(() =>
        _savedAt.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null);

    /// <summary>
    /// Replaces the remembered peers with <paramref name="peers"/> (kept in the given order), stamped with
    /// the current time, in one transaction.
    /// </summary>
    public void Save(IReadOnlyList<Ipv4Endpoint> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        Run(() =>
        {
            var savedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
            using var transaction = _database.BeginTransaction();
            _clear.Transaction = transaction;
            _insert.Transaction = transaction;
            try
            {
                _clear.ExecuteNonQuery();
                for (var i = 0; i < peers.Count; i++)
                {
                    _insert.Parameters[0].Value = (long)i;
                    _insert.Parameters[1].Value = (long)peers[i].Address;
                    _insert.Parameters[2].Value = (long)peers[i].Port;
                    _insert.Parameters[3].Value = savedAt;
                    _insert.ExecuteNonQuery();
                }

                transaction.Commit();
                _database.Logger.PeersSaved(peers.Count, DatabasePath);
            }
            finally
            {
                _clear.Transaction = null;
                _insert.Transaction = null;
            }

            return 0;
        });
    }

    /// <summary>The peers last given to <see cref="Save"/>, in the order given; empty when none were saved.</summary>
    public IReadOnlyList<Ipv4Endpoint> Load()
    {
        var peers = Run(() =>
        {
            var peers = new List<Ipv4Endpoint>();
            using var reader = _load.ExecuteReader();
            while (reader.Read())
            {
                peers.Add(new Ipv4Endpoint(checked((uint)reader.GetInt64(0)), checked((ushort)reader.GetInt64(1))));
            }

            return peers;
        });
        if (_database.Logger.IsEnabled(LogLevel.Information))
        {
            _database.Logger.PeersLoaded(peers.Count, DatabasePath, SavedAt);
        }

        return peers;
    }

    /// <summary>Closes this connection to the database file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _database.Dispose();
    }

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
}
