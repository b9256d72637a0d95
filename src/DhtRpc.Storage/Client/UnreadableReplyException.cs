using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>A node answered a warehouse command with something that is not this protocol's reply (another kind of warehouse, or another family).</summary>
public sealed class UnreadableReplyException : StorageException
{
    /// <summary>An unreadable reply with the default message.</summary>
    public UnreadableReplyException()
        : base(StorageErrorCode.UnreadableReply, "A node answered in a format this client does not read.", null)
    {
    }

    /// <summary>An unreadable reply described by <paramref name="message"/>.</summary>
    public UnreadableReplyException(string message)
        : base(StorageErrorCode.UnreadableReply, message, null)
    {
    }

    /// <summary>An unreadable reply described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public UnreadableReplyException(string message, Exception innerException)
        : base(StorageErrorCode.UnreadableReply, message, innerException)
    {
    }

    /// <summary>What <paramref name="node"/> answered to <paramref name="command"/> could not be read.</summary>
    public UnreadableReplyException(Ipv4Endpoint node, string command)
        : base(StorageErrorCode.UnreadableReply, Describe(node, command), null)
    {
        Node = node;
    }

    /// <summary>The node whose reply could not be read.</summary>
    public Ipv4Endpoint? Node { get; }

    /// <summary>The one sentence that says what <paramref name="node"/> answered to <paramref name="command"/> could not be read.</summary>
    internal static string Describe(Ipv4Endpoint node, string command) =>
        $"{node} answered {command} in a format this client does not read; it may run another warehouse protocol.";
}
