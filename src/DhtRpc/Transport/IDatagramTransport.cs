using DhtRpc.Encoding;

namespace DhtRpc.Transport;

/// <summary>
/// Where a node gets its sockets: real UDP (<see cref="UdpTransport"/>) or an in-memory network.
/// </summary>
public interface IDatagramTransport
{
    /// <summary>
    /// Binds a datagram socket. Port 0 picks a free port. Throws <see cref="DatagramBindException"/>
    /// when the address is in use or cannot be bound.
    /// </summary>
    IDatagramSocket Bind(Ipv4Endpoint localEndpoint);
}

/// <summary>Called for each datagram received; the span is only valid during the call.</summary>
public delegate void DatagramHandler(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from);

/// <summary>One bound datagram socket.</summary>
public interface IDatagramSocket : IAsyncDisposable
{
    /// <summary>The bound address (the port is the real one after binding port 0).</summary>
    Ipv4Endpoint LocalEndpoint { get; }

    /// <summary>Starts delivering datagrams to <paramref name="handler"/>. Called once.</summary>
    void Start(DatagramHandler handler);

    /// <summary>Sends one datagram, best effort: network errors are counted, never thrown.</summary>
    void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to);
}

/// <summary>A socket could not be bound to the requested address.</summary>
public sealed class DatagramBindException : Exception
{
    public DatagramBindException()
    {
    }

    public DatagramBindException(string message)
        : base(message)
    {
    }

    public DatagramBindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
