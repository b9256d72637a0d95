namespace DhtRpc.Hosting;

/// <summary>The names of the meters a hosted node records on (their instruments: docs/metrics.md).</summary>
public static class DhtMeterNames
{
    /// <summary>The node: requests, replies, drops, routing table, queries.</summary>
    public const string Node = "DhtRpc";

    /// <summary>Storage: items, bytes, puts, gets, deletes, refusals, republishing.</summary>
    public const string Storage = "DhtRpc.Storage";
}
