using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// How long after an attack a node is back to normal: one PING every <see cref="Interval"/>, each waited
/// for until the next is due; normal = <see cref="Streak"/> consecutive PINGs answered within
/// <see cref="FastMs"/>. The time reported is from the probe's start to the first PING of that streak.
/// </summary>
internal static class RecoveryProbe
{
    public const int Streak = 10;
    public const double FastMs = 5;
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>The time until the node answered normally again, or null when it did not within <paramref name="limit"/>.</summary>
    public static TimeSpan? Measure(Ipv4Endpoint target, IPAddress source, TimeSpan limit)
    {
        using var socket = LivenessPinger.Bind(source, target);
        var datagram = Packets.Request(0, target, Packets.Ping, isInternal: true);
        var buffer = new byte[65536];
        var clock = Stopwatch.StartNew();
        var streak = 0;
        var streakStart = TimeSpan.Zero;
        ushort tid = 1;
        while (clock.Elapsed < limit)
        {
            var sentAt = clock.Elapsed;
            Packets.SetTid(datagram, tid);
            var fast = false;
            try
            {
                socket.Send(datagram);
                fast = AwaitReply(socket, buffer, tid, clock, sentAt) is { } rtt && rtt.TotalMilliseconds < FastMs;
            }
            catch (SocketException)
            {
                // ICMP unreachable: the node is not there (yet).
            }

            if (fast)
            {
                if (streak++ == 0)
                {
                    streakStart = sentAt;
                }

                if (streak >= Streak)
                {
                    return streakStart;
                }
            }
            else
            {
                streak = 0;
            }

            var rest = sentAt + Interval - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                Thread.Sleep(rest);
            }

            tid = (ushort)(tid == ushort.MaxValue ? 1 : tid + 1);
        }

        return null;
    }

    private static TimeSpan? AwaitReply(Socket socket, byte[] buffer, ushort tid, Stopwatch clock, TimeSpan sentAt)
    {
        var until = sentAt + Interval;
        while (true)
        {
            var left = until - clock.Elapsed;
            if (left <= TimeSpan.Zero || !socket.Poll(left, SelectMode.SelectRead))
            {
                return null;
            }

            var n = socket.Receive(buffer);
            if (n >= 4 && buffer[0] == Packets.ResponseType && Packets.TryTid(buffer.AsSpan(0, n), out var got) && got == tid)
            {
                return clock.Elapsed - sentAt;
            }
        }
    }
}
