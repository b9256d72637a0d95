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

    /// <summary>Receives (value bytes assembled, total value bytes); the last report has both equal.</summary>
    public IProgress<(long Fetched, long Total)>? Progress { get; init; }
}
