using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using DhtRpc.Wire;
using static DhtRpc.Transport.Linux.LinuxSockets;

namespace DhtRpc.Transport.Linux;

/// <summary>
/// A bound UDP socket served by the shared <see cref="EpollLoop"/>. Replies sent while the loop hands
/// out a batch leave together with sendmmsg; sends from any other thread go out at once.
/// </summary>
internal sealed class EpollUdpSocket : IDatagramSocket
{
    private readonly Socket _socket;
    private readonly EpollLoop _loop;
    private readonly Lock _gate = new();
    private DatagramHandler? _handler;
    private long _token;
    private volatile bool _closing;
    private readonly SocketLosses _losses = new();
    private Task? _disposal;

    public EpollUdpSocket(Socket socket, EpollLoop loop)
    {
        _socket = socket;
        _loop = loop;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
        LocalEndpoint = Ipv4Endpoint.FromIPEndPoint((IPEndPoint)socket.LocalEndPoint!);
    }

    public Ipv4Endpoint LocalEndpoint { get; }

    public int Fd { get; }

    public bool IsClosing => _closing;

    /// <summary>Datagrams that could not be sent (full buffer, unreachable, closed socket).</summary>
    public DatagramCounters Counters => _losses.Snapshot;

    /// <summary>Where the loop counts what it could not deliver for this socket.</summary>
    internal SocketLosses Losses => _losses;

    internal DatagramHandler Handler => _handler!;

    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_closing, this);
        if (_handler is not null)
        {
            throw new InvalidOperationException("The socket is already started.");
        }

        _handler = handler;
        _token = _loop.Register(this);
    }

    public void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to)
    {
        if (_closing)
        {
            _losses.SendFailed();
            return;
        }

        if (_loop.IsDispatchingOnThisThread && _loop.TryQueueSend(this, datagram, to))
        {
            return;
        }

        _losses.SendTo(_socket, datagram, to);
    }

    /// <summary>Sends with the TTL in an IP_TTL control message, so no other datagram of the socket is affected.</summary>
    public unsafe void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to, int ttl)
    {
        if (ttl <= 0)
        {
            Send(datagram, to);
            return;
        }

        if (_closing)
        {
            _losses.SendFailed();
            return;
        }

        var added = false;
        try
        {
            // Keeps the descriptor from being closed (and reused) while the call runs.
            _socket.SafeHandle.DangerousAddRef(ref added);
            Span<byte> name = stackalloc byte[SockAddrInSize];
            WriteSockAddrIn(name, to);
            var control = new IntControlMessage { Length = (nuint)(sizeof(nuint) + 8 + sizeof(int)), Level = IpProtoIp, Type = IpTtl, Value = ttl };
            fixed (byte* data = datagram)
            fixed (byte* address = name)
            {
                var iov = new IoVec { Base = data, Length = (nuint)datagram.Length };
                var message = new MsgHdr
                {
                    Name = address,
                    NameLength = SockAddrInSize,
                    Iov = &iov,
                    IovLength = 1,
                    Control = &control,
                    ControlLength = (nuint)sizeof(IntControlMessage),
                };
                if (SendMsg(Fd, &message, 0) < 0)
                {
                    _losses.SendFailed();
                }
            }
        }
        catch (ObjectDisposedException)
        {
            _losses.SendFailed();
        }
        finally
        {
            if (added)
            {
                _socket.SafeHandle.DangerousRelease();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposal ??= CloseAsync();
        }

        return new ValueTask(_disposal);
    }

    /// <summary>Sends <paramref name="count"/> prepared messages; called by the loop for its queued datagrams.</summary>
    internal unsafe void SendBatch(MmsgHdr* headers, int count)
    {
        var done = 0;
        var waited = false;
        while (done < count)
        {
            var sent = SendMmsg(Fd, headers + done, (uint)(count - done), MsgDontWait);
            if (sent > 0)
            {
                done += sent;
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr)
            {
                continue;
            }

            if (errno == EAgain && !waited)
            {
                // The socket's send buffer is full: give it a moment once, then count the rest as lost.
                var fd = new PollFd { Fd = Fd, Events = PollOut };
                _ = Poll(&fd, 1, 5);
                waited = true;
                continue;
            }

            _losses.SendFailed();
            done++; // that datagram is lost; try the ones after it
        }
    }

    private async Task CloseAsync()
    {
        _closing = true;
        if (_handler is not null)
        {
            await _loop.UnregisterAsync(this, _token).ConfigureAwait(false);
        }

        _socket.Dispose();
    }
}
