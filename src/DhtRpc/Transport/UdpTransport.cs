using System.Net.Sockets;
using DhtRpc.Wire;
using DhtRpc.Transport.Linux;

namespace DhtRpc.Transport;

/// <summary>How <see cref="UdpTransport"/> drives its sockets.</summary>
public enum UdpEngine
{
    /// <summary><see cref="Batched"/> where it is supported (64-bit Linux), otherwise <see cref="Portable"/>.</summary>
    Auto,

    /// <summary>.NET sockets, one asynchronous receive loop per socket; works everywhere.</summary>
    Portable,

    /// <summary>
    /// One epoll thread for every socket of the process, reading with recvmmsg and sending the replies
    /// of a batch with sendmmsg (64-bit Linux only).
    /// </summary>
    Batched,
}

/// <summary>Real UDP sockets (IPv4).</summary>
public sealed class UdpTransport : IDatagramTransport
{
    /// <summary>
    /// Environment variable that overrides <see cref="UdpEngine.Auto"/>: "portable" or "batched".
    /// </summary>
    public const string EngineVariable = "DHTRPC_UDP_ENGINE";

    /// <summary>A transport using <paramref name="engine"/> (Auto: batched on 64-bit Linux, portable elsewhere).</summary>
    public UdpTransport(UdpEngine engine = UdpEngine.Auto)
    {
        Engine = Resolve(engine);
    }

    /// <summary>The process-wide default: <see cref="UdpEngine.Auto"/>, or what <see cref="EngineVariable"/> says.</summary>
    public static UdpTransport Instance { get; } = new(EngineFromEnvironment());

    /// <summary>The engine in use (never <see cref="UdpEngine.Auto"/>).</summary>
    public UdpEngine Engine { get; }

    /// <summary>
    /// For the portable engine: lets socket completions run on the runtime's I/O thread instead of
    /// hopping to the thread pool, which removes a thread wake-up per datagram. It is process-wide and
    /// read once: call it first thing in Main, before any socket exists. Request handlers must then not
    /// block, or they hold up every socket. (The batched engine always hands datagrams out on its own thread.)
    /// </summary>
    public static void UseInlineSocketCompletions() =>
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

    /// <summary>The operating system's address-change notifications.</summary>
    public INetworkInterfaceWatcher InterfaceWatcher => SystemNetworkInterfaceWatcher.Instance;

    /// <inheritdoc/>
    public IDatagramSocket Bind(Ipv4Endpoint localEndpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(localEndpoint.ToIPEndPoint());
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DatagramBindException($"Cannot bind UDP {localEndpoint}: {e.SocketErrorCode}.", e);
        }

        return Engine == UdpEngine.Batched ? new EpollUdpSocket(socket, EpollLoop.Shared) : new UdpDatagramSocket(socket);
    }

    private static UdpEngine Resolve(UdpEngine engine) => engine switch
    {
        UdpEngine.Auto => LinuxSockets.IsSupported ? UdpEngine.Batched : UdpEngine.Portable,
        UdpEngine.Batched when !LinuxSockets.IsSupported =>
            throw new PlatformNotSupportedException("The batched UDP engine needs 64-bit Linux; use UdpEngine.Portable."),
        _ => engine,
    };

    private static UdpEngine EngineFromEnvironment() =>
        Environment.GetEnvironmentVariable(EngineVariable)?.Trim().ToUpperInvariant() switch
        {
            "PORTABLE" => UdpEngine.Portable,
            "BATCHED" => UdpEngine.Batched,
            _ => UdpEngine.Auto,
        };
}
