using DhtRpc.Storage;

namespace DhtRpc.Hosting;

/// <summary>
/// The storage a hosted node serves, bound from the <c>Dht:Storage</c> section of configuration. Unset
/// values keep <see cref="StorageOptions"/>' defaults.
/// </summary>
public sealed class DhtStorageHostOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Dht:Storage";

    /// <summary>A free-form tag shown in inventories (for example eu-west).</summary>
    public string? Location { get; set; }

    /// <summary>How long a record lives unless stored again.</summary>
    public TimeSpan RecordTtl { get; set; } = StorageOptions.Default.RecordTtl;

    /// <summary>How often holders push their records to the closest nodes; shorter than <see cref="RecordTtl"/>.</summary>
    public TimeSpan RepublishInterval { get; set; } = StorageOptions.Default.RepublishInterval;

    /// <summary>Bytes the node stores in all.</summary>
    public long MaxBytes { get; set; } = StorageOptions.Default.MaxBytes;

    /// <summary>Items the node stores in all.</summary>
    public int MaxItems { get; set; } = StorageOptions.Default.MaxItems;

    /// <summary>Bytes one source address may store.</summary>
    public long MaxBytesPerSource { get; set; } = StorageOptions.Default.MaxBytesPerSource;

    /// <summary>Items one source address may store.</summary>
    public int MaxItemsPerSource { get; set; } = StorageOptions.Default.MaxItemsPerSource;

    /// <summary>Which storage commands the node answers.</summary>
    public StorageProtocol Protocol { get; set; } = StorageOptions.Default.Protocol;

    /// <summary>Largest body <c>PUT /content/{hash}</c> of the HTTP API accepts, in bytes (413 beyond).</summary>
    public long MaxHttpContentBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>These options as the storage layer takes them.</summary>
    public StorageOptions ToStorageOptions() => StorageOptions.Default with
    {
        Location = Location,
        RecordTtl = RecordTtl,
        RepublishInterval = RepublishInterval,
        MaxBytes = MaxBytes,
        MaxItems = MaxItems,
        MaxBytesPerSource = MaxBytesPerSource,
        MaxItemsPerSource = MaxItemsPerSource,
        Protocol = Protocol,
    };
}
