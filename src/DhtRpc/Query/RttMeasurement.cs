using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>
/// <see cref="DhtNode.RttStatsAsync"/>: one FIND_NODE walk toward the most recently seen table node,
/// summarised as successes, errors and reply round-trip times.
/// </summary>
internal static class RttMeasurement
{
    /// <summary>Runs on the node's context from start to end, so replies are collected as they arrive.</summary>
    /// <param name="node">The node to measure from.</param>
    /// <param name="latest">The most recently seen table node's id; null when the table is empty.</param>
    /// <param name="tcs">Receives the outcome.</param>
    public static async Task RunAsync(DhtNode node, NodeId? latest, TaskCompletionSource<RttStats> tcs)
    {
        try
        {
            if (latest is not { } target)
            {
                tcs.SetResult(RttStats.Empty);
                return;
            }

            var query = node.FindNode(target);
            var replies = new List<DhtResponse>();
            query.OnReply += replies.Add;
            await query.Completion.ConfigureAwait(true);
            tcs.SetResult(new RttStats(query.Successes, query.Errors, Summarize(replies), Summarize(query.ClosestReplies)));
        }
        catch (Exception e) when (e is DhtException or ObjectDisposedException)
        {
            tcs.SetException(e);
        }
    }

    private static RttSummary Summarize(IReadOnlyList<DhtResponse> replies)
    {
        if (replies.Count == 0)
        {
            return RttSummary.Empty;
        }

        var rtt = TimeSpan.Zero;
        long errors = 0;
        long closer = 0;
        foreach (var reply in replies)
        {
            rtt += reply.Rtt;
            errors += (long)reply.Error;
            closer += reply.CloserNodes.Count;
        }

        return new RttSummary(rtt / replies.Count, errors, (double)closer / replies.Count);
    }
}
