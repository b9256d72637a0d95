namespace DhtRpc.Storage;

/// <summary>
/// The names of the instruments a <see cref="StorageNode"/> creates on <see cref="StorageOptions.Meter"/>,
/// and of their tags. docs/metrics.md describes each one and the Prometheus name an exporter gives it.
/// </summary>
public static class StorageMetrics
{
    /// <summary>The name a host gives the meter it passes in <see cref="StorageOptions.Meter"/> (it may pass the node's meter instead).</summary>
    public const string MeterName = "DhtRpc.Storage";

    /// <summary>UpDownCounter, <c>{item}</c>, tag <see cref="SpaceTag"/>: items held now.</summary>
    public const string Items = "storage.items";

    /// <summary>UpDownCounter, <c>By</c>: bytes of value held now, both spaces together.</summary>
    public const string Bytes = "storage.bytes";

    /// <summary>Counter, <c>{item}</c>: values stored and acknowledged (content and warehouse items).</summary>
    public const string Puts = "storage.puts";

    /// <summary>Counter, <c>{item}</c>: values served to readers.</summary>
    public const string Gets = "storage.gets";

    /// <summary>Counter, <c>{item}</c>: warehouse items deleted.</summary>
    public const string Deletes = "storage.deletes";

    /// <summary>Counter, <c>{item}</c>: items evicted from a full node to make room for another source's.</summary>
    public const string Evictions = "storage.evictions";

    /// <summary>Counter, <c>{item}</c>: items removed because they lapsed (each republishing round removes them).</summary>
    public const string Expirations = "storage.expirations";

    /// <summary>Counter, <c>{request}</c>, tags <see cref="CodeTag"/> and <see cref="NameTag"/>: requests refused with an error code.</summary>
    public const string Refusals = "storage.refusals";

    /// <summary>Counter, <c>{round}</c>: republishing rounds run (by the timer or <see cref="StorageNode.RepublishAsync"/>).</summary>
    public const string RepublishRounds = "storage.republish.rounds";

    /// <summary>Counter, <c>{record}</c>: content records and signed items pushed to the closest nodes while republishing.</summary>
    public const string RepublishRecords = "storage.republish.records";

    /// <summary>Counter, <c>{record}</c>: records republishing could not push (no node took them).</summary>
    public const string RepublishFailures = "storage.republish.failures";

    /// <summary>UpDownCounter, <c>{request}</c>: store requests waiting for the writer now (<see cref="StorageNode.QueuedRequests"/>).</summary>
    public const string QueueLength = "storage.queue.length";

    /// <summary>Tag: the key space, <c>content</c> or <c>warehouse</c>.</summary>
    public const string SpaceTag = "space";

    /// <summary>Tag: the error code a request was refused with, as a number (e.g. 25).</summary>
    public const string CodeTag = "code";

    /// <summary>Tag: the name of the error code (e.g. <c>QUOTA_EXCEEDED</c>).</summary>
    public const string NameTag = "name";
}
