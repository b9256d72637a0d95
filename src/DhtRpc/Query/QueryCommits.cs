using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>The commit stage of a walk: one commit per closest reply, all started at once.</summary>
internal static class QueryCommits
{
    /// <summary>
    /// Runs <paramref name="commit"/> for every reply and waits for all of them. Null when at least one
    /// succeeded; otherwise the last failure. A commit function that throws counts as a failed commit.
    /// </summary>
    public static async Task<Exception?> RunAllAsync(IReadOnlyList<DhtResponse> replies, QueryCommit commit, DhtQuery query)
    {
        var commits = new List<Task>(replies.Count);
        foreach (var reply in replies)
        {
            commits.Add(RunOneAsync(commit, reply, query));
        }

        var succeeded = 0;
        Exception? last = null;
        foreach (var task in commits)
        {
            try
            {
                await task.ConfigureAwait(true);
                succeeded++;
            }
            catch (Exception e) when (e is DhtException or OperationCanceledException or InvalidOperationException)
            {
                last = e;
            }
        }

        return succeeded > 0 ? null : last;
    }

    private static async Task RunOneAsync(QueryCommit commit, DhtResponse reply, DhtQuery query)
    {
        // Commits start from the node's context; a throwing commit function counts as a failed commit.
        try
        {
            await commit(reply, query, CancellationToken.None).ConfigureAwait(true);
        }
        catch (Exception e) when (e is not DhtException and not OperationCanceledException)
        {
            throw DhtException.CommitFailed(e);
        }
    }

    /// <summary>AutoCommit: the query's own command again, with the token the reply carried.</summary>
    public static Task AutoCommitAsync(IQueryHost host, DhtResponse reply, DhtQuery query, CancellationToken cancellationToken)
    {
        if (reply.Token is null)
        {
            return Task.FromException(new DhtException(DhtErrorCode.CommitFailed, "No token received for closest node"));
        }

        return host.RequestAsync(new DhtRequest(query.Command, query.Target, query.Value, reply.Token), reply.From.Endpoint, cancellationToken);
    }
}
