namespace DhtRpc.Storage.Stores;

/// <summary>
/// The tables of <c>store.db</c> (described in docs/storage-format.md) and how a connection is set up:
/// write-ahead logging, <c>synchronous=NORMAL</c>, and the schema version in <c>PRAGMA user_version</c>.
/// A version-1 file (no signatures, sources or tombstones) is brought to version 2 in one transaction.
/// </summary>
/// <remarks>
/// WAL with NORMAL syncs at checkpoints only: a power failure can lose the last few commits, but a
/// killed process loses nothing that was committed, and the file always stays consistent.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The schema this code writes and reads.</summary>
    public const int Version = 2;

    private const string Create =
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
            signature    BLOB    NULL,
            source       TEXT    NOT NULL DEFAULT '',
            PRIMARY KEY (space, key)
        );
        CREATE INDEX items_by_stored_at ON items (space, stored_at, key);
        CREATE INDEX items_by_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX items_by_source ON items (source, stored_at);
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
        """ + Tombstones + "PRAGMA user_version = 2;";

    private const string Tombstones =
        """
        CREATE TABLE tombstones (
            space      INTEGER NOT NULL,
            key        BLOB    NOT NULL CHECK (length(key) = 32),
            owner_key  BLOB    NOT NULL,
            sequence   INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (space, key)
        );

        """;

    // Version 1 had no signatures, sources or tombstones: the source is the host part of stored_by.
    private const string UpgradeFrom1 =
        """
        ALTER TABLE items ADD COLUMN signature BLOB NULL;
        ALTER TABLE items ADD COLUMN source TEXT NOT NULL DEFAULT '';
        UPDATE items SET source = CASE WHEN stored_by GLOB '*:[0-9]*' THEN rtrim(rtrim(stored_by, '0123456789'), ':') ELSE stored_by END;
        CREATE INDEX items_by_source ON items (source, stored_at);

        """ + Tombstones + "PRAGMA user_version = 2;";

    /// <summary>
    /// Sets the journal and sync modes, then creates the tables in an empty file or checks the version of
    /// an existing one.
    /// </summary>
    /// <exception cref="StorageException">WAL is unavailable, the version is another one, or the file holds other tables.</exception>
    public static void Apply(SqliteDatabase database)
    {
        var mode = database.Scalar("PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw database.Unusable(
                $"The store database '{database.DatabasePath}' cannot use write-ahead logging (journal mode is '{mode}').");
        }

        database.Execute("PRAGMA synchronous = NORMAL");

        var version = database.ScalarInt64("PRAGMA user_version");
        if (version == Version)
        {
            return;
        }

        if (version == 1)
        {
            using var upgrade = database.BeginTransaction();
            database.Execute(UpgradeFrom1, upgrade);
            upgrade.Commit();
            return;
        }

        if (version != 0)
        {
            throw database.Unusable(
                $"The store database '{database.DatabasePath}' has schema version {version}; this program reads version {Version}.");
        }

        if (database.ScalarInt64("SELECT count(*) FROM sqlite_schema") != 0)
        {
            throw database.Unusable(
                $"'{database.DatabasePath}' is a SQLite database but not a store database (it holds other tables).");
        }

        using var transaction = database.BeginTransaction();
        database.Execute(Create, transaction);
        transaction.Commit();
    }
}
