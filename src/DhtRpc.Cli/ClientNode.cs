using System.Diagnostics;
using DhtRpc.Wire;
using DhtRpc.Rpc;

namespace DhtRpc.Cli;

/// <summary>A bootstrap entry that answered a ping: where, its id, how fast.</summary>
internal sealed record BootstrapAnswer(string Entry, Ipv4Endpoint Endpoint, NodeId? Id, TimeSpan Rtt);

/// <summary>Short-lived nodes for the client verbs, and a quick reachability check of bootstrap nodes.</summary>
internal static class ClientNode
{
    /// <summary>Per-attempt timeout of the reachability check (four attempts in all).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(600);

    private static readonly RequestOptions ProbeRequest = new() { Timeout = ProbeTimeout };

    /// <summary>Pings every bootstrap entry at once; returns those that answered, in the order given.</summary>
    public static async Task<IReadOnlyList<BootstrapAnswer>> ProbeAsync(IReadOnlyList<string> bootstrap, string host, CancellationToken cancellationToken)
    {
        await using var probe = new DhtNode(new DhtNodeOptions { Host = host, Ephemeral = true });
        await probe.FullyBootstrappedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var attempts = bootstrap.Select(entry => TryPingAsync(probe, entry, cancellationToken)).ToList();
        var answers = await Task.WhenAll(attempts).ConfigureAwait(false);
        return answers.OfType<BootstrapAnswer>().ToList();
    }

    /// <summary>
    /// Starts an ephemeral node that joins through <paramref name="bootstrap"/>, pinging every entry
    /// from the same node while it joins. Fails within a few seconds, naming the addresses tried, when
    /// none of them answers. A one-shot client skips the firewall test: it serves nobody, so whether
    /// others could reach it does not matter, and the test would cost a probe and a second walk.
    /// <paramref name="created"/> sees the node before it starts.
    /// </summary>
    public static async Task<DhtNode> ConnectAsync(IReadOnlyList<string> bootstrap, string host, CancellationToken cancellationToken, Action<DhtNode>? created = null)
    {
        var node = new DhtNode(new DhtNodeOptions { Host = host, Ephemeral = true, QuickFirewall = false, Bootstrap = bootstrap });
        created?.Invoke(node);
        try
        {
            var joined = node.FullyBootstrappedAsync();
            var anyAnswer = AnyAnswersAsync(node, bootstrap, cancellationToken);
            if (await Task.WhenAny(joined, anyAnswer).ConfigureAwait(false) == anyAnswer && !await anyAnswer.ConfigureAwait(false))
            {
                throw Unreachable(bootstrap);
            }

            await joined.WaitAsync(cancellationToken).ConfigureAwait(false);
            if ((await node.GetNodesAsync(1).ConfigureAwait(false)).Count == 0 && !await anyAnswer.ConfigureAwait(false))
            {
                throw Unreachable(bootstrap);
            }

            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>True as soon as one entry answers a ping; false once all of them have failed.</summary>
    private static async Task<bool> AnyAnswersAsync(DhtNode node, IReadOnlyList<string> bootstrap, CancellationToken cancellationToken)
    {
        var pending = bootstrap.Select(entry => TryPingAsync(node, entry, cancellationToken)).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            if (await done.ConfigureAwait(false) is not null)
            {
                return true;
            }

            pending.Remove(done);
        }

        return false;
    }

    /// <summary>Pings one bootstrap entry from <paramref name="node"/>; null when it does not resolve or does not answer.</summary>
    private static async Task<BootstrapAnswer?> TryPingAsync(DhtNode node, string entry, CancellationToken cancellationToken)
    {
        if (await ResolveEntryAsync(entry, cancellationToken).ConfigureAwait(false) is not { } endpoint)
        {
            return null;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var reply = await node.PingAsync(endpoint, options: ProbeRequest, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BootstrapAnswer(entry, endpoint, reply.From.Id, Stopwatch.GetElapsedTime(started));
        }
        catch (DhtException)
        {
            return null;
        }
    }

    public static CliException Unreachable(IReadOnlyList<string> bootstrap) => new(bootstrap.Count == 1
        ? $"The bootstrap node {bootstrap[0]} did not answer: is `dht bootstrap` running there?"
        : $"None of the bootstrap nodes {string.Join(", ", bootstrap)} answered: is `dht bootstrap` running there?");

    /// <summary>host:port of an entry as dht-rpc reads it (suggested IP first); null for a name that does not resolve here.</summary>
    private static async Task<Ipv4Endpoint?> ResolveEntryAsync(string entry, CancellationToken cancellationToken)
    {
        var parsed = BootstrapEntry.Parse(entry);
        return parsed.SuggestedEndpoint ?? await parsed.ResolveAsync(cancellationToken).ConfigureAwait(false);
    }
}
