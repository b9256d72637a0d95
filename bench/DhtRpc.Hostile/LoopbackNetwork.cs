using System.Diagnostics;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// An honest network in this process on real UDP sockets: a bootstrapper on 127.0.0.1 and nodes each on
/// its own /24 (127.0.i.1), persistent, joining in waves; default options (what `dht node` runs).
/// </summary>
internal sealed class LoopbackNetwork : IAsyncDisposable
{
    private readonly List<DhtNode> _nodes = [];

    private LoopbackNetwork(DhtNode bootstrapper, string entry)
    {
        Bootstrapper = bootstrapper;
        Entry = entry;
    }

    public DhtNode Bootstrapper { get; }

    /// <summary>The bootstrap entry ("127.0.0.1:port") every node joins through.</summary>
    public string Entry { get; }

    /// <summary>The honest nodes that finished joining.</summary>
    public IReadOnlyList<DhtNode> Nodes => _nodes;

    public TimeSpan JoinTime { get; private set; }

    public int FailedJoins { get; private set; }

    public static async Task<LoopbackNetwork> StartAsync(int count, int wave, TimeSpan budget)
    {
        var port = NodeProcess.FreeUdpPort();
        var bootstrapper = DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" });
        await bootstrapper.FullyBootstrappedAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var network = new LoopbackNetwork(bootstrapper, $"127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        for (var first = 1; first <= count && clock.Elapsed < budget; first += wave)
        {
            var joining = Enumerable.Range(first, Math.Min(wave, count - first + 1))
                .Select(i => network.JoinAsync($"127.0.{i}.1"))
                .ToList();
            foreach (var (node, joined) in await Task.WhenAll(joining).ConfigureAwait(false))
            {
                if (joined)
                {
                    network._nodes.Add(node);
                }
                else
                {
                    network.FailedJoins++;
                    await node.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        network.JoinTime = clock.Elapsed;
        return network;
    }

    /// <summary>A node on <paramref name="host"/> joined through the bootstrapper; false when it did not finish in 60 s.</summary>
    public async Task<(DhtNode Node, bool Joined)> JoinAsync(string host, DhtNodeOptions? options = null)
    {
        var node = new DhtNode((options ?? new DhtNodeOptions()) with { Host = host, Ephemeral = false, Bootstrap = [Entry] });
        try
        {
            await node.FullyBootstrappedAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return (node, true);
        }
        catch (TimeoutException)
        {
            return (node, false);
        }
    }

    /// <summary>The share of all honest nodes' table entries that <paramref name="owned"/> claims.</summary>
    public async Task<(int Owned, int Total)> TableShareAsync(Func<Ipv4Endpoint, bool> owned)
    {
        int mine = 0, total = 0;
        foreach (var node in _nodes.Append(Bootstrapper))
        {
            var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
            mine += table.Count(entry => owned(entry.Endpoint));
            total += table.Count;
        }

        return (mine, total);
    }

    public async ValueTask DisposeAsync()
    {
        var closing = _nodes.Append(Bootstrapper).Select(n => n.DisposeAsync().AsTask());
        try
        {
            await Task.WhenAll(closing).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The process ends soon after; sockets close with it.
        }
    }
}
