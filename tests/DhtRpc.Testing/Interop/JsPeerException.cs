namespace DhtRpc.Testing;

/// <summary>A peer.mjs command failed, timed out, or the process died.</summary>
public sealed class JsPeerException : Exception
{
    public JsPeerException()
    {
    }

    public JsPeerException(string message)
        : base(message)
    {
    }

    public JsPeerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
