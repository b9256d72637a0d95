using System.Diagnostics.Metrics;

namespace DhtRpc.Storage;

/// <summary>Limits and timers of a storage node. Every limit is enforced with an error reply.</summary>
public sealed record StorageOptions
{
    /// <summary>The defaults: 60 000-byte values, 256 MiB and a million items (16 MiB and 65 536 per source), two-hour records republished hourly.</summary>
    public static StorageOptions Default { get; } = new();

    /// <summary>Free-form tag shown in inventories and analytics (for example "eu-west").</summary>
    public string? Location { get; init; }

    /// <summary>Largest single value accepted (one datagram carries it).</summary>
    public int MaxValueSize { get; init; } = 60_000;

    /// <summary>Largest total of stored bytes.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest number of stored items (both spaces).</summary>
    public int MaxItems { get; init; } = 1_000_000;

    /// <summary>
    /// Bytes one source address may hold here (both spaces); more is refused with QUOTA_EXCEEDED (25).
    /// Counted for the addresses the node's <see cref="Limits.NodeLimits"/> apply to (public ones, and
    /// local ones with <see cref="Limits.NodeLimits.ApplyToLocalAddresses"/>); none when the node has no limits.
    /// </summary>
    public long MaxBytesPerSource { get; init; } = 16L * 1024 * 1024;

    /// <summary>Items one source address may hold here (both spaces); counted as <see cref="MaxBytesPerSource"/> is.</summary>
    public int MaxItemsPerSource { get; init; } = 65_536;

    /// <summary>
    /// Store requests waiting for the writer at most; more are answered BUSY (26). The node's own work
    /// (republishing, expiry) queues behind them without a limit.
    /// </summary>
    public int QueueLength { get; init; } = 1024;

    /// <summary>Where store work runs: a writer thread of its own, or the node's receive path.</summary>
    public StoreWorkMode StoreWork { get; init; } = StoreWorkMode.Auto;

    /// <summary>
    /// How long a record lives without being stored again: content records, warehouse items (refreshed by
    /// their owner storing them again, and signed ones by their holders' republishing), and the
    /// tombstones signed deletes leave.
    /// </summary>
    public TimeSpan RecordTtl { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How often holders push their content records and signed warehouse items to the current closest nodes, and drop what lapsed.</summary>
    public TimeSpan RepublishInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Inventory pages (LIST replies) stay under this many bytes of value.</summary>
    public int ListPageBytes { get; init; } = 1000;

    /// <summary>
    /// A LIST with no value (the study's clients) is answered with the whole inventory in the study's
    /// fields when it fits this many bytes, else with what fits and a final <c>{"more":true,"offset":N}</c>.
    /// </summary>
    public int WholeListBytes { get; init; } = 1200;

    /// <summary>Which family answers user commands 0–10; the warehouse (100–108) is served either way.</summary>
    public StorageProtocol Protocol { get; init; } = StorageProtocol.Study;

    /// <summary>
    /// Answer every user command no family knows like a content GET, as the study's storage node does.
    /// Only for networks of the study's scripts: other dht-rpc members (hyperdht's) take such replies for
    /// acknowledgements. Off by default: unknown commands get UNKNOWN_COMMAND (1), as in dht-rpc.
    /// </summary>
    public bool UnknownCommandsReadLikeGet { get; init; }

    /// <summary>Limits of the hyperdht family when <see cref="Protocol"/> is <see cref="StorageProtocol.HyperDht"/>.</summary>
    public HyperDht.HyperDhtOptions HyperDht { get; init; } = new();

    /// <summary>
    /// The meter the storage node's instruments are created on (see <see cref="StorageMetrics"/> and
    /// docs/metrics.md); null (the default) creates none. It may be the node's own
    /// <see cref="DhtNodeOptions.Meter"/>: the names do not overlap.
    /// </summary>
    public Meter? Meter { get; init; }
}

/// <summary>Where a storage node runs the work that touches its store.</summary>
public enum StoreWorkMode
{
    /// <summary>Queued for any store but <see cref="Stores.InMemoryItemStore"/>, whose work is too short to be worth a thread.</summary>
    Auto,

    /// <summary>On the thread that received the request (deterministic; for simulations and in-memory stores).</summary>
    Inline,

    /// <summary>On one writer thread behind a queue of <see cref="StorageOptions.QueueLength"/> requests.</summary>
    Queued,
}

/// <summary>The family a storage node serves on user commands 0–10, where the two overlap.</summary>
public enum StorageProtocol
{
    /// <summary>The study's content store: INSERT 0 and GET 1 by SHA-256; 2–10 are unknown commands.</summary>
    Study,

    /// <summary>hyperdht's commands 0–10: peer handshake and hole-punch relaying, announces, lookups, mutable and immutable values.</summary>
    HyperDht,
}
