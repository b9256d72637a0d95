using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Transport;

/// <summary>A bound UDP socket with one receive loop that hands each datagram to the handler.</summary>
internal sealed class UdpDatagramSocket : IDatagramSocket
{
    private const int MaxDatagram = 65536;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiveLoop;
    private readonly SocketLosses _losses = new();

    public UdpDatagramSocket(Socket socket)
    {
        _socket = socket;
        LocalEndpoint = Ipv4Endpoint.FromIPEndPoint((IPEndPoint)socket.LocalEndPoint!);
    }

    public Ipv4Endpoint LocalEndpoint { get; }

    public DatagramCounters Counters => _losses.Snapshot;

    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_receiveLoop is not null)
        {
            throw new InvalidOperationException("The socket is already started.");
        }

        _receiveLoop = Task.Run(() => ReceiveLoopAsync(handler));
    }

    public void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to) => _losses.SendTo(_socket, datagram, to);

    /// <summary>
    /// Sets the socket's TTL around the send. Safe because a node sends on its sockets from its serial
    /// context only, so no other send of this socket can run meanwhile.
    /// </summary>
    public void Send(ReadOnlySpan<byte> datagram, Ipv4Endpoint to, int ttl)
    {
        if (ttl <= 0)
        {
            Send(datagram, to);
            return;
        }

        short previous;
        try
        {
            previous = _socket.Ttl;
            _socket.Ttl = (short)ttl;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _losses.SendFailed();
            return;
        }

        try
        {
            Send(datagram, to);
        }
        finally
        {
            try
            {
                _socket.Ttl = previous;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed meanwhile: nothing left to restore.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_receiveLoop is not null)
        {
#pragma warning disable VSTHRD003 // The loop was started by this object and ends once the socket is closed.
            await _receiveLoop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(DatagramHandler handler)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var address = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                // No cancellation token: registering one per receive costs; closing the socket ends the wait.
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, address).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors from earlier sends surface here (connection reset); the socket is still usable.
                _losses.ReceiveFailed();
                continue;
            }

            var from = SocketAddressCodec.Read(address);
            if (from.Port == 0)
            {
                _losses.ReceiveFailed();
                continue;
            }

            _losses.Deliver(handler, this, buffer.AsSpan(0, received), from);
        }
    }
}
