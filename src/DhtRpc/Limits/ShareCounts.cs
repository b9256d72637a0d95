namespace DhtRpc.Limits;

/// <summary>
/// Counts of entries per key (an IP, a /24, a row and address) that keep only keys still counted, so
/// that the maps the diversity limits keep hold no more than what the table or the walk holds.
/// </summary>
internal static class ShareCounts
{
    /// <summary>Adds <paramref name="delta"/> to the count of <paramref name="key"/>; a count that reaches zero is removed.</summary>
    public static void Change<TKey>(Dictionary<TKey, int> counts, TKey key, int delta)
        where TKey : notnull
    {
        var n = counts.GetValueOrDefault(key) + delta;
        if (n > 0)
        {
            counts[key] = n;
        }
        else
        {
            counts.Remove(key);
        }
    }
}
