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
        var attempts = bootstrap.Select(async entry =>
        {
            if (ResolveEntry(entry) is not { } endpoint)
            {
                return null;
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await probe.PingAsync(endpoint, options: ProbeRequest, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new BootstrapAnswer(entry, endpoint, reply.From.Id, Stopwatch.GetElapsedTime(started));
            }
            catch (DhtException)
            {
                return null;
            }
        }).ToList();
        var answers = await Task.WhenAll(attempts).ConfigureAwait(false);
        return answers.OfType<BootstrapAnswer>().ToList();
    }

    /// <summary>
    /// Starts an ephemeral node that joins through <paramref name="bootstrap"/>. Fails within a few seconds,
    /// naming the addresses tried, when none of them answers.
    /// </summary>
    public static async Task<DhtNode> ConnectAsync(IReadOnlyList<string> bootstrap, string host, CancellationToken cancellationToken)
    {
        var answered = await ProbeAsync(bootstrap, host, cancellationToken).ConfigureAwait(false);
        if (answered.Count == 0)
        {
            throw Unreachable(bootstrap);
        }

        var node = new DhtNode(new DhtNodeOptions { Host = host, Ephemeral = true, Bootstrap = answered.Select(a => a.Entry).ToList() });
        try
        {
            await node.FullyBootstrappedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static CliException Unreachable(IReadOnlyList<string> bootstrap) => new(bootstrap.Count == 1
        ? $"The bootstrap node {bootstrap[0]} did not answer: is `dht bootstrap` running there?"
        : $"None of the bootstrap nodes {string.Join(", ", bootstrap)} answered: is `dht bootstrap` running there?");

    /// <summary>host:port of an entry as dht-rpc reads it (suggested IP first); null for a name that does not resolve here.</summary>
    public static Ipv4Endpoint? ResolveEntry(string entry)
    {
        var colon = entry.LastIndexOf(':');
        var host = entry[..colon];
        var port = ushort.Parse(entry.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        var at = host.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            host = host[..at];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Ipv4Endpoint.Loopback(port);
        }

        if (Ipv4Endpoint.TryParseHost(host, out var address))
        {
            return new Ipv4Endpoint(address, port);
        }

        try
        {
            var addresses = System.Net.Dns.GetHostAddresses(host, System.Net.Sockets.AddressFamily.InterNetwork);
            return addresses.Length == 0 ? null : Ipv4Endpoint.FromIPEndPoint(new System.Net.IPEndPoint(addresses[0], port));
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
