namespace DhtRpc.Storage;

/// <summary>What went wrong, for every exception of the storage library.</summary>
public enum StorageErrorCode
{
    /// <summary>A store could not be opened or used (<see cref="StorageException"/> itself).</summary>
    StoreUnavailable = 0,

    /// <summary>A node answered a storage request with an error code (<see cref="Client.StorageRefusedException"/>).</summary>
    Refused = 1,

    /// <summary>Fetched data does not match its key or manifest (<see cref="Chunking.ContentVerificationException"/>).</summary>
    ContentCorrupt = 2,

    /// <summary>A block of a chunked value could not be found (<see cref="Chunking.ContentNotFoundException"/>).</summary>
    ContentMissing = 3,

    /// <summary>A node answered in a format this client does not read (<see cref="Client.UnreadableReplyException"/>).</summary>
    UnreadableReply = 4,
}

/// <summary>
/// The base of the storage library's exceptions, with a <see cref="Code"/> saying which kind it is.
/// Thrown as itself when a store could not be opened or used: its directory cannot be created, its file
/// is not a database (or is damaged), or the database reported an error. The message names the path involved.
/// </summary>
public class StorageException : Exception
{
    /// <summary>A store error with the default message.</summary>
    public StorageException()
    {
    }

    /// <summary>A store error with <paramref name="message"/>.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>A store error with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A store error about the file or directory at <paramref name="path"/>.</summary>
    public StorageException(string message, string path, Exception? innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>An error of the kind <paramref name="code"/>, for the derived exceptions.</summary>
    protected StorageException(StorageErrorCode code, string? message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Which kind of error this is.</summary>
    public StorageErrorCode Code { get; } = StorageErrorCode.StoreUnavailable;

    /// <summary>The file or directory the error concerns, when known.</summary>
    public string? Path { get; }
}
