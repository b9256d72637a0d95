namespace DhtRpc.Storage;

/// <summary>
/// A store could not be opened or used: its directory cannot be created, its file is not a database
/// (or is damaged), or the database reported an error. The message names the path involved.
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public StorageException(string message, string path, Exception? innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file or directory the error concerns, when known.</summary>
    public string? Path { get; }
}
