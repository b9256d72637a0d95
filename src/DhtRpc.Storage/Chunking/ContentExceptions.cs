using DhtRpc.Wire;

namespace DhtRpc.Storage.Chunking;

/// <summary>
/// A fetched block or an assembled value does not match what its key or manifest promises:
/// wrong hash, malformed or inconsistent manifest, or a value over the size cap.
/// </summary>
public sealed class ContentVerificationException : StorageException
{
    /// <summary>A verification failure with the default message.</summary>
    public ContentVerificationException()
        : base(StorageErrorCode.ContentCorrupt, null, null)
    {
    }

    /// <summary>A verification failure described by <paramref name="message"/>.</summary>
    public ContentVerificationException(string message)
        : base(StorageErrorCode.ContentCorrupt, message, null)
    {
    }

    /// <summary>A verification failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public ContentVerificationException(string message, Exception innerException)
        : base(StorageErrorCode.ContentCorrupt, message, innerException)
    {
    }

    /// <summary>A <paramref name="problem"/> found in the block <paramref name="key"/>.</summary>
    public ContentVerificationException(NodeId key, string problem)
        : base(StorageErrorCode.ContentCorrupt, $"Block {key}: {problem}", null)
    {
        Key = key;
    }

    /// <summary>The block the problem was found in, when known.</summary>
    public NodeId? Key { get; }
}

/// <summary>A block of a chunked value could not be found.</summary>
public sealed class ContentNotFoundException : StorageException
{
    /// <summary>A missing block, with the default message.</summary>
    public ContentNotFoundException()
        : base(StorageErrorCode.ContentMissing, null, null)
    {
    }

    /// <summary>A missing block described by <paramref name="message"/>.</summary>
    public ContentNotFoundException(string message)
        : base(StorageErrorCode.ContentMissing, message, null)
    {
    }

    /// <summary>A missing block described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public ContentNotFoundException(string message, Exception innerException)
        : base(StorageErrorCode.ContentMissing, message, innerException)
    {
    }

    /// <summary>The block <paramref name="missingKey"/> was not found after <paramref name="fetchedBlocks"/> were fetched.</summary>
    public ContentNotFoundException(NodeId missingKey, int fetchedBlocks)
        : base(StorageErrorCode.ContentMissing, $"Block {missingKey} was not found ({fetchedBlocks} blocks of the value had been fetched).", null)
    {
        MissingKey = missingKey;
        FetchedBlocks = fetchedBlocks;
    }

    /// <summary>The block that was not found, when known.</summary>
    public NodeId? MissingKey { get; }

    /// <summary>Blocks fetched and verified before the missing one was reported.</summary>
    public int FetchedBlocks { get; }
}
