using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Simulation.Tests;

/// <summary>Records what a simulated socket receives, with the virtual time of arrival.</summary>
internal sealed class Inbox
{
    private readonly SimulationHost _host;

    public Inbox(SimulationHost host, IDatagramSocket socket)
    {
        _host = host;
        Socket = socket;
        socket.Start(OnDatagram);
    }

    public IDatagramSocket Socket { get; }

    public Ipv4Endpoint Endpoint => Socket.LocalEndpoint;

    public List<(byte[] Data, Ipv4Endpoint From, TimeSpan At)> Received { get; } = [];

    public static Inbox Bind(SimulationHost host, string endpoint) => new(host, host.Network.Bind(Ipv4Endpoint.Parse(endpoint)));

    private void OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from) =>
        Received.Add((datagram.ToArray(), from, _host.Clock.Elapsed));
}
