using Microsoft.Data.Sqlite;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// The <c>totals</c> row of <c>store.db</c> (items ever stored, served and deleted), read once at open
/// and kept in memory alongside every update.
/// </summary>
internal sealed class SqliteTotals
{
    private readonly SqliteDatabase _database;
    private readonly SqliteCommand _add;

    public SqliteTotals(SqliteDatabase database)
    {
        _database = database;
        _add = database.Prepare(
            "UPDATE totals SET stored = stored + $stored, served = served + $served, deleted = deleted + $deleted WHERE id = 0",
            "$stored", "$served", "$deleted");
        Current = Read();
    }

    public StoreTotals Current { get; private set; }

    /// <summary>Adds to the row and to <see cref="Current"/>.</summary>
    /// <exception cref="SqliteException">The update failed (the caller reports it).</exception>
    public void Add(long stored, long served, long deleted)
    {
        _add.Parameters[0].Value = stored;
        _add.Parameters[1].Value = served;
        _add.Parameters[2].Value = deleted;
        _add.ExecuteNonQuery();
        Current = new StoreTotals(Current.Stored + stored, Current.Served + served, Current.Deleted + deleted);
    }

    private StoreTotals Read()
    {
        using var command = _database.CreateCommand("SELECT stored, served, deleted FROM totals WHERE id = 0");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw _database.Unusable($"The store database '{_database.DatabasePath}' has no totals row.");
        }

        return new StoreTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
