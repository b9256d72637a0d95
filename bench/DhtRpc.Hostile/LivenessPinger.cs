using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>What a legitimate pinger saw: how many PINGs it sent, how many were answered in time, and their round trips.</summary>
internal sealed record PingSummary(int Sent, int Answered, IReadOnlyList<double> LatenciesMs)
{
    public double AnsweredShare => Sent == 0 ? double.NaN : (double)Answered / Sent;

    public double MedianMs => Report.Quantile(LatenciesMs, 0.5);

    public double P99Ms => Report.Quantile(LatenciesMs, 0.99);
}

/// <summary>
/// A well-behaved client: PINGs a node at a fixed rate from its own address (distinct tids) on one
/// thread and matches replies on another. A reply later than <see cref="AnswerTimeout"/> counts as lost.
/// Bounded: it stops by itself after <paramref name="maxDuration"/>.
/// </summary>
internal sealed class LivenessPinger(Ipv4Endpoint target, IPAddress source, int rate, TimeSpan maxDuration) : IDisposable
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1);

    private readonly Socket _socket = Bind(source, target);
    private readonly long[] _sentAt = new long[65536];
    private readonly List<double> _latencies = [];
    private volatile bool _stopSending;
    private volatile bool _stopReceiving;
    private Thread? _sender;
    private Thread? _receiver;
    private int _sent;
    private int _answered;
    private long _stoppedAt;

    public void Start()
    {
        _receiver = new Thread(Receive) { IsBackground = true, Name = "pinger-receive" };
        _sender = new Thread(Send) { IsBackground = true, Name = "pinger-send" };
        _receiver.Start();
        _sender.Start();
    }

    /// <summary>Stops sending (at once: what follows is measured by someone else).</summary>
    public void StopSending()
    {
        _stopSending = true;
        _sender?.Join();
        _stoppedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Stops sending if not yet, waits until the last PING's answer time is over, then stops receiving.</summary>
    public PingSummary Collect()
    {
        if (_stoppedAt == 0)
        {
            StopSending();
        }

        var left = AnswerTimeout - Stopwatch.GetElapsedTime(_stoppedAt);
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left);
        }

        _stopReceiving = true;
        _receiver?.Join();
        lock (_latencies)
        {
            return new PingSummary(_sent, _answered, [.. _latencies]);
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>A UDP socket on <paramref name="source"/> (any port), connected to <paramref name="target"/>.</summary>
    public static Socket Bind(IPAddress source, Ipv4Endpoint target)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(source, 0));
        socket.Connect(target.ToIPEndPoint());
        return socket;
    }

    private void Send()
    {
        var datagram = Packets.Request(0, target, Packets.Ping, isInternal: true);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        ushort tid = 1;
        for (long next = start; !_stopSending && next < deadline; next += interval)
        {
            var wait = next - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            Packets.SetTid(datagram, tid);
            Volatile.Write(ref _sentAt[tid], Stopwatch.GetTimestamp());
            try
            {
                _socket.Send(datagram);
            }
            catch (SocketException)
            {
                // ICMP unreachable from an earlier send (the node is gone): the ping counts as lost.
            }

            Interlocked.Increment(ref _sent);
            tid = (ushort)(tid == ushort.MaxValue ? 1 : tid + 1);
        }
    }

    private void Receive()
    {
        var buffer = new byte[65536];
        var timeout = (long)(AnswerTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!_stopReceiving)
        {
            if (!PolledReceive.TryReceive(_socket, buffer, out var n))
            {
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            if (n < 4 || buffer[0] != Packets.ResponseType || !Packets.TryTid(buffer.AsSpan(0, n), out var tid))
            {
                continue;
            }

            var sentAt = Interlocked.Exchange(ref _sentAt[tid], 0);
            if (sentAt != 0 && now - sentAt <= timeout)
            {
                Interlocked.Increment(ref _answered);
                lock (_latencies)
                {
                    _latencies.Add((now - sentAt) * 1000.0 / Stopwatch.Frequency);
                }
            }
        }
    }
}
