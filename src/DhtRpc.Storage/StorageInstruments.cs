using System.Diagnostics.Metrics;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// A storage node's instruments on the meter of <see cref="StorageOptions.Meter"/> (names in
/// <see cref="StorageMetrics"/>). All are observed: they read the counts the node and its store keep
/// when the meter is collected, so serving requests does no work for them.
/// </summary>
internal static class StorageInstruments
{
    /// <summary>Creates the instruments of <paramref name="node"/> on <paramref name="meter"/>.</summary>
    public static void Register(Meter meter, StorageNode node, Republisher republisher)
    {
        var stats = node.Stats;
        meter.CreateObservableUpDownCounter(StorageMetrics.Items, () => ObserveItems(node.Store), "{item}", "Items held, by key space.");
        meter.CreateObservableUpDownCounter(StorageMetrics.Bytes, () => ObserveBytes(node.Store), "By", "Bytes of value held.");
        meter.CreateObservableCounter(StorageMetrics.Puts, () => stats.Stored, "{item}", "Values stored and acknowledged.");
        meter.CreateObservableCounter(StorageMetrics.Gets, () => stats.Served, "{item}", "Values served to readers.");
        meter.CreateObservableCounter(StorageMetrics.Deletes, () => stats.Deleted, "{item}", "Warehouse items deleted.");
        meter.CreateObservableCounter(StorageMetrics.Evictions, () => stats.Evicted, "{item}", "Items evicted from a full node for another source's.");
        meter.CreateObservableCounter(StorageMetrics.Expirations, () => republisher.Expired, "{item}", "Items removed because they lapsed.");
        meter.CreateObservableCounter(StorageMetrics.Refusals, () => ObserveRefusals(stats), "{request}", "Requests refused, by error code.");
        meter.CreateObservableCounter(StorageMetrics.RepublishRounds, () => republisher.Rounds, "{round}", "Republishing rounds run.");
        meter.CreateObservableCounter(StorageMetrics.RepublishRecords, () => stats.Republished, "{record}", "Records pushed to the closest nodes while republishing.");
        meter.CreateObservableCounter(StorageMetrics.RepublishFailures, () => republisher.Failures, "{record}", "Records republishing could not push.");
        meter.CreateObservableUpDownCounter(StorageMetrics.QueueLength, () => node.QueuedRequests, "{request}", "Store requests waiting for the writer.");
    }

    /// <summary>The name of a refusal's error code, as docs/storage-format.md lists them.</summary>
    public static string CodeName(ulong code) => code switch
    {
        ErrorCodes.UnknownCommand => "UNKNOWN_COMMAND",
        ErrorCodes.InvalidToken => "INVALID_TOKEN",
        ErrorCodes.TokenRequired => "TOKEN_REQUIRED",
        StorageErrors.HashMismatch => "HASH_MISMATCH",
        StorageErrors.ValueTooLarge => "VALUE_TOO_LARGE",
        StorageErrors.StorageFull => "STORAGE_FULL",
        StorageErrors.NotOwner => "NOT_OWNER",
        StorageErrors.BadSignature => "BAD_SIGNATURE",
        StorageErrors.Malformed => "MALFORMED",
        StorageErrors.StaleSequence => "STALE_SEQUENCE",
        StorageErrors.QuotaExceeded => "QUOTA_EXCEEDED",
        StorageErrors.Busy => "BUSY",
        StorageErrors.StoreFailed => "STORE_FAILED",
        _ => "OTHER",
    };

    // The counts are running totals, read without the store's lock: at worst a request behind. A store
    // disposed after its node reports nothing.
    private static IEnumerable<Measurement<int>> ObserveItems(IItemStore store)
    {
        try
        {
            return
            [
                new(store.Count(ItemSpace.Content), new KeyValuePair<string, object?>(StorageMetrics.SpaceTag, "content")),
                new(store.Count(ItemSpace.Warehouse), new KeyValuePair<string, object?>(StorageMetrics.SpaceTag, "warehouse")),
            ];
        }
        catch (ObjectDisposedException)
        {
            return [];
        }
    }

    private static IEnumerable<Measurement<long>> ObserveBytes(IItemStore store)
    {
        try
        {
            return [new(store.TotalBytes())];
        }
        catch (ObjectDisposedException)
        {
            return [];
        }
    }

    private static IEnumerable<Measurement<long>> ObserveRefusals(StorageStats stats) =>
        [.. stats.RefusedByCode().Select(refused => new Measurement<long>(
            refused.Value,
            new KeyValuePair<string, object?>(StorageMetrics.CodeTag, (long)refused.Key),
            new KeyValuePair<string, object?>(StorageMetrics.NameTag, CodeName(refused.Key))))];
}
