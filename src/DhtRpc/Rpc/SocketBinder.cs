using DhtRpc.Transport;
using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>
/// Binds the node's server and client sockets: the ports used before first (a resume keeps its
/// addresses), then the configured port range, then any free port when that is allowed.
/// </summary>
internal sealed class SocketBinder
{
    private readonly IDatagramTransport _transport;
    private readonly Ipv4Endpoint _bindHost;
    private readonly bool _anyPort;
    private int _boundServerPort;
    private int _boundClientPort;

    public SocketBinder(DhtNodeOptions options)
    {
        _transport = options.Transport;
        _anyPort = options.AnyPort;
        PortRange = options.PortRange ?? (options.Port == 0 ? (0, 0) : (options.Port, options.Port + 5));
        if (!Ipv4Endpoint.TryParseHost(options.Host, out var host))
        {
            throw new ArgumentException($"Bind host '{options.Host}' is not an IPv4 address.", nameof(options));
        }

        _bindHost = new Ipv4Endpoint(host, 0);
    }

    /// <summary>The server ports tried in order, [Start, End) (dht-rpc's <c>io.portRange</c>).</summary>
    public (int Start, int End) PortRange { get; }

    /// <summary>Binds both sockets; on failure nothing stays bound.</summary>
    public (IDatagramSocket Server, IDatagramSocket Client) Bind()
    {
        var server = BindServerSocket();
        IDatagramSocket client;
        try
        {
            client = _boundClientPort != 0 ? TryBind(_boundClientPort) ?? BindOrThrow(0) : BindOrThrow(0);
        }
        catch
        {
            _ = server.DisposeAsync().AsTask();
            throw;
        }

        _boundServerPort = server.LocalEndpoint.Port;
        _boundClientPort = client.LocalEndpoint.Port;
        return (server, client);
    }

    private IDatagramSocket BindServerSocket()
    {
        var candidates = new List<int>();
        if (_boundServerPort != 0)
        {
            candidates.Add(_boundServerPort);
        }

        for (var port = PortRange.Start; port < PortRange.End; port++)
        {
            candidates.Add(port);
        }

        foreach (var port in candidates)
        {
            if (_anyPort)
            {
                var socket = TryBind(port);
                if (socket is not null)
                {
                    return socket;
                }
            }
            else
            {
                // Without anyPort the first candidate that cannot be bound is an error.
                return BindOrThrow(port);
            }
        }

        return BindOrThrow(0);
    }

    private IDatagramSocket? TryBind(int port)
    {
        try
        {
            return _transport.Bind(_bindHost.WithPort(port));
        }
        catch (DatagramBindException)
        {
            return null;
        }
    }

    private IDatagramSocket BindOrThrow(int port) => _transport.Bind(_bindHost.WithPort(port));
}
