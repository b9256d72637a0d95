using DhtRpc.Wire;

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

    /// <summary>Where nodes learn that the machine's network interfaces changed; null when that cannot happen.</summary>
    INetworkInterfaceWatcher? InterfaceWatcher => null;
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

    /// <summary>
    /// Sends one datagram with IP time-to-live <paramref name="ttl"/> (0 = the system default), as
    /// hole-punching probes do. A transport without hops (a simulated network) sends it plainly.
    /// </summary>
    void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to, int ttl) => Send(datagram, to);

    /// <summary>What this socket could not deliver so far.</summary>
    DatagramCounters Counters => default;
}

/// <summary>
/// A socket's losses: sends that failed (full buffer, unreachable, closed), receive errors and
/// datagrams refused before the handler (truncated, not IPv4), and datagrams whose handler threw.
/// </summary>
public readonly record struct DatagramCounters(long SendErrors, long ReceiveErrors, long HandlerErrors)
{
    /// <summary>Adds the counters field by field.</summary>
    public static DatagramCounters operator +(DatagramCounters left, DatagramCounters right) =>
        new(left.SendErrors + right.SendErrors, left.ReceiveErrors + right.ReceiveErrors, left.HandlerErrors + right.HandlerErrors);

    /// <summary>Adds the counters field by field.</summary>
    public static DatagramCounters Add(DatagramCounters left, DatagramCounters right) => left + right;
}

/// <summary>A socket could not be bound to the requested address (code <see cref="DhtErrorCode.BindFailed"/>).</summary>
public sealed class DatagramBindException : DhtException
{
    /// <summary>A bind failure with the default message.</summary>
    public DatagramBindException()
        : base(DhtErrorCode.BindFailed, null, null)
    {
    }

    /// <summary>A bind failure described by <paramref name="message"/>.</summary>
    public DatagramBindException(string message)
        : base(DhtErrorCode.BindFailed, message, null)
    {
    }

    /// <summary>A bind failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public DatagramBindException(string message, Exception innerException)
        : base(DhtErrorCode.BindFailed, message, innerException)
    {
    }
}
