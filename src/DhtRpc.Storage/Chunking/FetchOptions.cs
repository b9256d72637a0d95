namespace DhtRpc.Storage.Chunking;

/// <summary>Limits and reporting for <see cref="ChunkAssembler.FetchAsync"/>.</summary>
public sealed class FetchOptions
{
    /// <summary>The defaults: 16 fetches in flight, values up to 1 GiB, no progress reports.</summary>
    public static FetchOptions Default { get; } = new();

    /// <summary>Most block fetches in flight at once (at least 1).</summary>
    public int MaxParallel { get; init; } = 16;

    /// <summary>Largest value accepted, in bytes (at most <see cref="Array.MaxLength"/>); default 1 GiB.</summary>
    public long MaxTotalSize { get; init; } = 1L << 30;

    /// <summary>
    /// How many more times <see cref="Client.DhtStorageClient.GetAsync"/> looks for a block below the root
    /// when a lookup finds no copy (default 1; 0 never looks again).
    /// The manifest says the block exists, and a node that limits what it sends to an address that has
    /// shown no token drops replies over its byte budget: asked again once its budget has refilled, it
    /// answers. A missing root is not retried (the value is simply not there).
    /// </summary>
    public int BlockRetries { get; init; } = 1;

    /// <summary>Wait before looking for a missing block again (default 1 s, on the node's clock).</summary>
    public TimeSpan BlockRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Receives (value bytes assembled, total value bytes); the last report has both equal.</summary>
    public IProgress<(long Fetched, long Total)>? Progress { get; init; }
}
