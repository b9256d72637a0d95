using DhtRpc.Wire;

namespace DhtRpc.Storage.Chunking;

/// <summary>
/// A fetched block or an assembled value does not match what its key or manifest promises:
/// wrong hash, malformed or inconsistent manifest, or a value over the size cap.
/// </summary>
public sealed class ContentVerificationException : Exception
{
    public ContentVerificationException()
    {
    }

    public ContentVerificationException(string message)
        : base(message)
    {
    }

    public ContentVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ContentVerificationException(NodeId key, string problem)
        : base($"Block {key}: {problem}")
    {
        Key = key;
    }

    /// <summary>The block the problem was found in, when known.</summary>
    public NodeId? Key { get; }
}

/// <summary>A block of a chunked value could not be found.</summary>
public sealed class ContentNotFoundException : Exception
{
    public ContentNotFoundException()
    {
    }

    public ContentNotFoundException(string message)
        : base(message)
    {
    }

    public ContentNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ContentNotFoundException(NodeId missingKey, int fetchedBlocks)
        : base($"Block {missingKey} was not found ({fetchedBlocks} blocks of the value had been fetched).")
    {
        MissingKey = missingKey;
        FetchedBlocks = fetchedBlocks;
    }

    public NodeId? MissingKey { get; }

    /// <summary>Blocks fetched and verified before the missing one was reported.</summary>
    public int FetchedBlocks { get; }
}
