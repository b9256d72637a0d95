using DhtRpc.Limits;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Limits;

/// <summary>A simulated server on a public address with the limits under test, and raw peers around it.</summary>
internal sealed class LimitedNetwork
{
    public LimitedNetwork(NodeLimits? limits, string serverHost = "20.0.0.1", Action<DhtNode>? configure = null)
    {
        Swarm = new SimulatedSwarm(seed: 53);
        Server = new DhtNode(Swarm.Options(new DhtNodeOptions { Ephemeral = false, Firewalled = false, Limits = limits }) with { Host = serverHost });
        configure?.Invoke(Server);
        Swarm.Nodes.Add(Server);
        Swarm.Run(Server.FullyBootstrappedAsync);
        To = Server.ServerEndpoint!.Value;
    }

    public SimulatedSwarm Swarm { get; }

    public DhtNode Server { get; }

    public Ipv4Endpoint To { get; }

    public RawPeer Raw(string host, ushort port = 5000) => new(Swarm.Host.Network, new Ipv4Endpoint(Ipv4Endpoint.Parse($"{host}:1").Address, port));

    /// <summary>A real node on <paramref name="host"/> that knows the server.</summary>
    public DhtNode Client(string host)
    {
        var client = new DhtNode(Swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [To.ToString()] }) with { Host = host });
        Swarm.Nodes.Add(client);
        Swarm.Run(client.FullyBootstrappedAsync);
        return client;
    }

    /// <summary>Runs <paramref name="send"/> on the simulation's loop, then lets <paramref name="settle"/> of virtual time pass.</summary>
    public void Exchange(Action send, TimeSpan? settle = null) => Swarm.Run(async () =>
    {
        send();
        await Swarm.Host.DelayAsync(settle ?? TimeSpan.FromMilliseconds(100));
    });
}
