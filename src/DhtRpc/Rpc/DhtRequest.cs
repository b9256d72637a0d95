using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Rpc;

/// <summary>A user command to send to one node.</summary>
public sealed record DhtRequest(ulong Command, NodeId? Target = null, byte[]? Value = null, byte[]? Token = null);

/// <summary>Options of a single request.</summary>
public sealed record RequestOptions
{
    /// <summary>The defaults.</summary>
    public static RequestOptions Default { get; } = new();

    /// <summary>false: one transmission, no retries (default: 3 retries, 4 sends).</summary>
    public bool Retry { get; init; } = true;

    /// <summary>Run the request in this session so it can be cancelled with others.</summary>
    public DhtSession? Session { get; init; }

    /// <summary>Per-attempt timeout (default 1 s).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>IP time-to-live of the request's datagrams, 1–255; 0 (the default) leaves the system's.</summary>
    public int Ttl { get; init; }

    internal IDatagramSocket? Socket { get; init; }
}
