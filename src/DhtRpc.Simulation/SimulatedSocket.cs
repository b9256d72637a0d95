using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Simulation;

/// <summary>A socket bound on a <see cref="SimulatedNetwork"/>; handlers run on the simulation loop.</summary>
public sealed class SimulatedSocket : IDatagramSocket
{
    private readonly SimulatedNetwork _network;

    internal SimulatedSocket(SimulatedNetwork network, Ipv4Endpoint localEndpoint)
    {
        _network = network;
        LocalEndpoint = localEndpoint;
    }

    /// <summary>The address this socket is bound to.</summary>
    public Ipv4Endpoint LocalEndpoint { get; }

    /// <summary>True once the socket was disposed; it then neither sends nor receives.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Datagrams handed to this socket's handler.</summary>
    public long DatagramsReceived { get; private set; }

    internal DatagramHandler? Handler { get; private set; }

    /// <summary>Starts delivering datagrams to <paramref name="handler"/>.</summary>
    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Handler is not null)
        {
            throw new InvalidOperationException("The socket is already started.");
        }

        Handler = handler;
    }

    /// <summary>Sends <paramref name="datagram"/> to <paramref name="to"/> through the network (copied; delivered later on the loop).</summary>
    public void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to) => _network.Send(this, datagram, to);

    /// <summary>Unbinds the socket; datagrams in flight to it are dropped.</summary>
    public ValueTask DisposeAsync()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            Handler = null;
            _network.Unbind(this);
        }

        return ValueTask.CompletedTask;
    }

    internal void Receive(DatagramHandler handler, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
    {
        DatagramsReceived++;
        handler(this, datagram, from);
    }

    /// <summary>The socket and its address, for logs.</summary>
    public override string ToString() => $"SimulatedSocket {LocalEndpoint}";
}
