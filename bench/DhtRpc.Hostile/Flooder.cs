using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>What a flooding thread achieved.</summary>
internal sealed record FloodResult(long Sent, long SendErrors, TimeSpan Elapsed)
{
    public double Rate => Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// One thread sending one prebuilt datagram to a node as fast as one core allows (a connected socket,
/// one send() per datagram), until <c>maxDatagrams</c> are sent or <c>duration</c> has passed.
/// </summary>
internal sealed class Flooder : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _datagram;
    private readonly long _maxDatagrams;
    private readonly TimeSpan _duration;
    private Thread? _thread;
    private FloodResult? _result;

    public Flooder(IPAddress source, Ipv4Endpoint target, Func<Ipv4Endpoint, byte[]> datagram, TimeSpan duration, long maxDatagrams)
    {
        _socket = LivenessPinger.Bind(source, target);
        _socket.SendBufferSize = 4 << 20;
        _datagram = datagram(LocalEndpoint);
        _duration = duration;
        _maxDatagrams = maxDatagrams;
    }

    /// <summary>The flooder's own address, given to the datagram's builder (PING_NAT names its port).</summary>
    private Ipv4Endpoint LocalEndpoint => Ipv4Endpoint.FromIPEndPoint((IPEndPoint)_socket.LocalEndPoint!);

    public int DatagramBytes => _datagram.Length;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "flooder" };
        _thread.Start();
    }

    /// <summary>Waits for the flood to end by itself (its count or its time).</summary>
    public FloodResult Join()
    {
        _thread?.Join();
        return _result!;
    }

    public void Dispose() => _socket.Dispose();

    private void Run()
    {
        long sent = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        for (long attempt = 0; sent < _maxDatagrams; attempt++)
        {
            // The clock is read once per 256 sends: reading it costs about as much as a send.
            if ((attempt & 255) == 0 && clock.Elapsed >= _duration)
            {
                break;
            }

            try
            {
                _socket.Send(_datagram);
                sent++;
            }
            catch (SocketException)
            {
                // ECONNREFUSED from an ICMP unreachable (the node died) or ENOBUFS: counted, then on.
                errors++;
                if (errors > 1_000_000)
                {
                    break;
                }
            }
        }

        _result = new FloodResult(sent, errors, clock.Elapsed);
    }
}
