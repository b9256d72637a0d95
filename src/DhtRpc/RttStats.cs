namespace DhtRpc;

/// <summary>Averages over a set of replies: round-trip time, summed error codes, closer nodes per reply.</summary>
public sealed record RttSummary(TimeSpan AverageRtt, long Errors, double AverageCloserNodes)
{
    /// <summary>No replies.</summary>
    public static RttSummary Empty { get; } = new(TimeSpan.Zero, 0, 0);
}

/// <summary>
/// What <see cref="DhtNode.RttStatsAsync"/> measured with one FIND_NODE walk: how many steps succeeded
/// and failed, and averages over all replies and over the closest replies.
/// </summary>
public sealed record RttStats(int Successes, int Errors, RttSummary Responses, RttSummary ClosestReplies)
{
    /// <summary>An empty table: nothing measured.</summary>
    public static RttStats Empty { get; } = new(0, 0, RttSummary.Empty, RttSummary.Empty);
}
