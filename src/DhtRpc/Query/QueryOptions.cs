using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>
/// Commits a closest reply after the walk: typically a request carrying the reply's token.
/// </summary>
public delegate Task QueryCommit(DhtResponse reply, DhtQuery query, CancellationToken cancellationToken);

/// <summary>Options of an iterative query. Defaults are dht-rpc's.</summary>
public sealed record QueryOptions
{
    /// <summary>The defaults.</summary>
    public static QueryOptions Default { get; } = new();

    /// <summary>Requests in flight at once; null = the node's concurrency (10).</summary>
    public int? Concurrency { get; init; }

    /// <summary>Retransmissions per step; null = 5 (3 for DOWN_HINT queries).</summary>
    public int? Retries { get; init; }

    /// <summary>Send without congestion control and without retries.</summary>
    public bool Force { get; init; }

    /// <summary>After the walk, send the same command with the reply's token to every closest reply.</summary>
    public bool AutoCommit { get; init; }

    /// <summary>A custom commit run for every closest reply after the walk.</summary>
    public QueryCommit? Commit { get; init; }

    /// <summary>Start from these nodes (for example the closest nodes of an earlier query).</summary>
    public IReadOnlyList<DhtPeer>? Nodes { get; init; }

    /// <summary>Start from the senders of these replies.</summary>
    public IReadOnlyList<DhtResponse>? Replies { get; init; }

    /// <summary>Visit only the given nodes/replies: nothing from the table, the bootstrap list or closer nodes.</summary>
    public bool OnlyClosestNodes { get; init; }

    /// <summary>Run the query's requests in this session (it is not destroyed when the query ends).</summary>
    public DhtSession? Session { get; init; }
}
