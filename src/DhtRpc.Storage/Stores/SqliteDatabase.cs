using DhtRpc.Storage.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// One open connection to <c>store.db</c> in a data directory, with the schema checked or created,
/// plus the prepared commands of whoever uses it. Opening turns every failure into a
/// <see cref="StorageException"/> naming the path; closing leaves no handle on the file.
/// </summary>
/// <remarks>
/// A connection must not be used by two threads at once; the owner of the database serialises its calls.
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];
    private bool _closed;

    private SqliteDatabase(string dataDirectory, string databasePath, SqliteConnection connection, ILogger logger)
    {
        DataDirectory = dataDirectory;
        DatabasePath = databasePath;
        _connection = connection;
        Logger = logger;
    }

    /// <summary>Where the owner of the database logs (failures to open are logged here too).</summary>
    public ILogger Logger { get; }

    public string DataDirectory { get; }

    public string DatabasePath { get; }

    /// <summary>
    /// Opens (or creates) <c>store.db</c> in <paramref name="dataDirectory"/>, creating the directory if
    /// needed, checks its integrity (<see cref="SqliteIntegrity"/>) and brings the schema to <see cref="SqliteSchema.Version"/>.
    /// </summary>
    /// <exception cref="StorageException">The directory cannot be created, or the file is empty, damaged or not a store database.</exception>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="logger">Where opening and failures are logged.</param>
    /// <param name="checkIntegrity">Run <c>quick_check</c> (the item store does; the peer cache, opening the same file after it, need not).</param>
    public static SqliteDatabase Open(string dataDirectory, ILogger logger, bool checkIntegrity = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = Path.GetFullPath(dataDirectory);
        var path = Path.Combine(directory, SqliteItemStore.FileName);

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var error = new StorageException($"Cannot create the data directory '{directory}': {e.Message}", directory, e);
            logger.StoreOpenFailed(directory, error);
            throw error;
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        var database = new SqliteDatabase(directory, path, new SqliteConnection(connectionString), logger);
        database.Initialise(() =>
        {
            SqliteIntegrity.RefuseEmptyFile(path);
            database._connection.Open();
            if (checkIntegrity)
            {
                SqliteIntegrity.QuickCheck(database);
            }

            SqliteSchema.Apply(database);
        });
        return database;
    }

    /// <summary>
    /// Runs a step of opening (preparing commands, reading the first values); on failure the database is
    /// closed and a SQLite error is reported as a <see cref="StorageException"/> naming the file.
    /// </summary>
    public void Initialise(Action step)
    {
        try
        {
            step();
        }
        catch (SqliteException e)
        {
            Dispose();
            var error = new StorageException($"Cannot open the store database '{DatabasePath}': {e.Message}", DatabasePath, e);
            Logger.StoreOpenFailed(DatabasePath, error);
            throw error;
        }
        catch (StorageException e)
        {
            Dispose();
            Logger.StoreOpenFailed(DatabasePath, e);
            throw;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Creates a prepared command whose parameters, in the order named, start as NULL.</summary>
    public SqliteCommand Prepare(string sql, params string[] parameters)
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

    /// <summary>Creates a one-off command; the caller disposes it.</summary>
    public SqliteCommand CreateCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public SqliteTransaction BeginTransaction() => _connection.BeginTransaction();

    public object? Scalar(string sql)
    {
        using var command = CreateCommand(sql);
        return command.ExecuteScalar();
    }

    public long ScalarInt64(string sql) => Scalar(sql) is long value ? value : 0;

    public void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = CreateCommand(sql);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    /// <summary>Logs a failed statement on the open database and returns the error to throw.</summary>
    public StorageException Failed(SqliteException e)
    {
        var error = new StorageException($"The store database '{DatabasePath}' failed: {e.Message}", DatabasePath, e);
        Logger.DatabaseFailed(DatabasePath, error);
        return error;
    }

    /// <summary>The error to throw when the file is readable but not a store database this code can use.</summary>
    public StorageException Unusable(string message) => new(message, DatabasePath, null);

    /// <summary>Closes the connection; the file can then be reopened, moved or deleted.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
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
