using System.Net;
using System.Net.Sockets;

namespace DhtRpc.Hostile;

/// <summary>
/// Drains a UDP socket on its own thread and counts what arrives there: datagrams, bytes, the largest.
/// The kernel's drops at this socket (its receive buffer full) come from /proc/net/udp.
/// </summary>
internal sealed class ReceiveCounter : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _datagrams;
    private long _bytes;
    private long _largest;

    public ReceiveCounter(Socket socket)
    {
        _socket = socket;
        _socket.ReceiveBufferSize = 4 << 20;
        _thread = new Thread(Run) { IsBackground = true, Name = "receive-counter" };
        _thread.Start();
    }

    /// <summary>The counted socket (the reflect mode also sends from it).</summary>
    public Socket Socket => _socket;

    public long Datagrams => Interlocked.Read(ref _datagrams);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Largest => Interlocked.Read(ref _largest);

    public void Reset()
    {
        Interlocked.Exchange(ref _datagrams, 0);
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _largest, 0);
    }

    /// <summary>Datagrams the kernel dropped at this socket since it was opened (-1 when /proc/net/udp does not say).</summary>
    public long KernelDrops() => ProcNetUdp.Drops((IPEndPoint)_socket.LocalEndPoint!);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _socket.Dispose();
    }

    private void Run()
    {
        var buffer = new byte[65536];
        while (!_stop)
        {
            if (!PolledReceive.TryReceive(_socket, buffer, out var n))
            {
                continue;
            }

            Interlocked.Increment(ref _datagrams);
            Interlocked.Add(ref _bytes, n);
            if (n > Interlocked.Read(ref _largest))
            {
                Interlocked.Exchange(ref _largest, n);
            }
        }
    }
}
