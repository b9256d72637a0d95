namespace DhtRpc.Storage;

/// <summary>Limits and timers of a storage node. Every limit is enforced with an error reply.</summary>
public sealed record StorageOptions
{
    /// <summary>The defaults: 60 000-byte values, 256 MiB and a million items, two-hour records republished hourly.</summary>
    public static StorageOptions Default { get; } = new();

    /// <summary>Free-form tag shown in inventories and analytics (for example "eu-west").</summary>
    public string? Location { get; init; }

    /// <summary>Largest single value accepted (one datagram carries it).</summary>
    public int MaxValueSize { get; init; } = 60_000;

    /// <summary>Largest total of stored bytes.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest number of stored items (both spaces).</summary>
    public int MaxItems { get; init; } = 1_000_000;

    /// <summary>How long a content record lives without being stored again.</summary>
    public TimeSpan RecordTtl { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How often holders push their content records to the current closest nodes.</summary>
    public TimeSpan RepublishInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Inventory pages (LIST replies) stay under this many bytes of value.</summary>
    public int ListPageBytes { get; init; } = 1000;
}
