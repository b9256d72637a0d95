using DhtRpc.Wire;
using Microsoft.Data.Sqlite;

namespace DhtRpc.Storage.Stores;

/// <summary>The <c>tombstones</c> table of <c>store.db</c>: what signed deletes left behind, until each lapses.</summary>
internal sealed class SqliteTombstones
{
    private readonly SqliteCommand _get;
    private readonly SqliteCommand _put;
    private readonly SqliteCommand _removeLapsed;

    public SqliteTombstones(SqliteDatabase database)
    {
        _get = database.Prepare(
            "SELECT owner_key, sequence, expires_at FROM tombstones WHERE space = $space AND key = $key", "$space", "$key");
        _put = database.Prepare(
            "INSERT OR REPLACE INTO tombstones (space, key, owner_key, sequence, expires_at) VALUES ($space, $key, $owner_key, $sequence, $expires_at)",
            "$space", "$key", "$owner_key", "$sequence", "$expires_at");
        _removeLapsed = database.Prepare("DELETE FROM tombstones WHERE expires_at <= $now", "$now");
    }

    /// <exception cref="SqliteException">The query failed (the caller reports it).</exception>
    public Tombstone? Get(ItemSpace space, NodeId key)
    {
        _get.Parameters[0].Value = (long)space;
        _get.Parameters[1].Value = key.ToArray();
        using var reader = _get.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new Tombstone
        {
            Space = space,
            Key = key,
            OwnerKey = reader.GetFieldValue<byte[]>(0),
            Sequence = reader.GetInt64(1),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        };
    }

    /// <exception cref="SqliteException">The insert failed (the caller reports it).</exception>
    public void Put(Tombstone tombstone)
    {
        _put.Parameters[0].Value = (long)tombstone.Space;
        _put.Parameters[1].Value = tombstone.Key.ToArray();
        _put.Parameters[2].Value = tombstone.OwnerKey;
        _put.Parameters[3].Value = tombstone.Sequence;
        _put.Parameters[4].Value = tombstone.ExpiresAt.ToUnixTimeMilliseconds();
        _put.ExecuteNonQuery();
    }

    /// <exception cref="SqliteException">The delete failed (the caller reports it).</exception>
    public void RemoveLapsed(DateTimeOffset now)
    {
        _removeLapsed.Parameters[0].Value = now.ToUnixTimeMilliseconds();
        _removeLapsed.ExecuteNonQuery();
    }
}
