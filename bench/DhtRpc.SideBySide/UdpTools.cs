using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DhtRpc.Wire;

namespace DhtRpc.SideBySide;

/// <summary>The load generator and the bare UDP echo server (each its own process).</summary>
internal static class UdpTools
{
    /// <summary>Echoes every datagram back to its sender until killed; prints "ready PORT".</summary>
    public static int Echo(Args args)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, args.Int("port", 0)));
        Console.WriteLine($"ready {((IPEndPoint)socket.LocalEndPoint!).Port}");
        if (args.Get("batched") == "true")
        {
            return EchoBatched(socket);
        }

        var buffer = new byte[65536];
        var address = new SocketAddress(AddressFamily.InterNetwork);
        while (true)
        {
            var n = socket.ReceiveFrom(buffer, SocketFlags.None, address);
            socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, address);
        }
    }

    /// <summary>Echo with recvmmsg/sendmmsg: each batch received is sent straight back (--batched).</summary>
    private static int EchoBatched(Socket socket)
    {
        using var batch = new MultiMessage(socket, 64, 2048);
        while (true)
        {
            var n = batch.Receive();
            if (n == 0)
            {
                batch.WaitReadable(1000);
                continue;
            }

            for (var i = 0; i < n; i++)
            {
                batch.Fill(i, batch.Received(i), batch.Sender(i)); // back to where it came from
            }

            batch.Send(n);
        }
    }

    /// <summary>
    /// Keeps --window PING requests (raw dht-rpc datagrams, distinct tids) in flight to --target for
    /// --warmup-seconds (not counted) plus --seconds; a request unanswered after --timeout-ms counts as lost
    /// and is replaced. Replies are read and their replacements sent in batches (recvmmsg/sendmmsg).
    /// Prints one JSON line.
    /// </summary>
    public static int Load(Args args)
    {
        var target = Ipv4Endpoint.Parse(args.Get("target") ?? throw new ArgumentException("--target host:port is required"));
        var window = args.Int("window", 64);
        var duration = TimeSpan.FromSeconds(args.Double("seconds", 5));
        var warmup = TimeSpan.FromSeconds(args.Double("warmup-seconds", 1));
        var timeout = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 500));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Connect(target.ToIPEndPoint());
        socket.ReceiveBufferSize = 1 << 20;
        using var receive = new MultiMessage(socket, Math.Min(window, 256), 2048);
        using var send = new MultiMessage(socket, Math.Min(window, 256), 64);
        var request = new byte[64];
        var queued = 0;

        var outstanding = new long[65536]; // send timestamp, 0 = not in flight
        ushort nextTid = 1;
        long sent = 0, replies = 0, lost = 0;
        var timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);

        void Queue()
        {
            while (outstanding[nextTid] != 0)
            {
                nextTid++;
            }

            var message = new RequestMessage { Tid = nextTid, To = target, Internal = true, Command = Commands.Ping };
            send.Fill(queued, request.AsSpan(0, message.Encode(request)), target);
            outstanding[nextTid] = Stopwatch.GetTimestamp();
            nextTid++;
            sent++;
            if (++queued == send.Capacity)
            {
                Flush();
            }
        }

        void Flush()
        {
            send.Send(queued);
            queued = 0;
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < window; i++)
        {
            Queue();
        }

        Flush();
        var lastScan = Stopwatch.GetTimestamp();
        var measuring = warmup <= TimeSpan.Zero;
        while (clock.Elapsed < duration || !measuring)
        {
            if (!measuring && clock.Elapsed >= warmup)
            {
                // The warm-up is over (the server's code is compiled and hot): count from here.
                measuring = true;
                sent = replies = lost = 0;
                clock.Restart();
            }

            var n = receive.Receive();
            if (n == 0)
            {
                receive.WaitReadable(10);
            }

            for (var i = 0; i < n; i++)
            {
                var reply = receive.Received(i);
                if (reply.Length >= 4)
                {
                    var tid = (ushort)(reply[2] | (reply[3] << 8));
                    if (outstanding[tid] != 0)
                    {
                        outstanding[tid] = 0;
                        replies++;
                        Queue();
                    }
                }
            }

            var now = Stopwatch.GetTimestamp();
            if (now - lastScan > Stopwatch.Frequency / 20)
            {
                lastScan = now;
                for (var t = 0; t < outstanding.Length; t++)
                {
                    if (outstanding[t] != 0 && now - outstanding[t] > timeoutTicks)
                    {
                        outstanding[t] = 0;
                        lost++;
                        Queue();
                    }
                }
            }

            if (queued > 0)
            {
                Flush();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sent"] = sent,
            ["replies"] = replies,
            ["lost"] = lost,
            ["receiveErrors"] = receive.ReceiveErrors,
            ["seconds"] = seconds,
            ["repliesPerSecond"] = replies / seconds,
            ["window"] = window,
            ["warmupSeconds"] = warmup.TotalSeconds,
        }));
        return 0;
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static string Invariant(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
