using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DhtRpc.Wire;
using DhtRpc.Transport;
using DhtRpc.Transport.Linux;

namespace DhtRpc.IntegrationTests.Transport;

/// <summary>The same contract for both UDP engines, on loopback sockets.</summary>
public sealed class UdpTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly Ipv4Endpoint AnyLoopback = Ipv4Endpoint.Parse("127.0.0.1:0");

    public static TheoryData<UdpEngine> Engines => [UdpEngine.Portable, UdpEngine.Batched];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Datagrams_arrive_whole_with_their_sender(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var a = transport.Bind(AnyLoopback);
        await using var b = transport.Bind(AnyLoopback);
        var received = new ConcurrentQueue<(byte[] Data, Ipv4Endpoint From)>();
        var arrivals = new Arrivals();
        const int count = 100;
        b.Start((_, data, from) =>
        {
            received.Enqueue((data.ToArray(), from));
            arrivals.Add();
        });
        a.Start((_, _, _) => { });

        for (var i = 0; i < count; i++)
        {
            a.Send(Payload(i, 10 + i), b.LocalEndpoint);
            if (i % 20 == 19)
            {
                await arrivals.WaitForAsync(i + 1);
            }
        }

        await arrivals.WaitForAsync(count);
        Assert.All(received, r => Assert.Equal(a.LocalEndpoint, r.From));
        Assert.Equal(Enumerable.Range(0, count).Select(i => Payload(i, 10 + i)), received.Select(r => r.Data).OrderBy(d => d[0]).ThenBy(d => d.Length), ByteArrayComparer.Instance);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Replies_sent_from_inside_the_handler_reach_the_sender(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var client = transport.Bind(AnyLoopback);
        await using var server = transport.Bind(AnyLoopback);
        server.Start((socket, data, from) =>
        {
            // Echo with the first byte turned: the reply is built from the span the handler was given.
            var reply = data.ToArray();
            reply[0] ^= 0xFF;
            socket.Send(reply, from);
        });
        var replies = new ConcurrentDictionary<int, byte[]>();
        var arrivals = new Arrivals();
        client.Start((_, data, _) =>
        {
            replies[data[1]] = data.ToArray();
            arrivals.Add();
        });

        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            var request = Payload(i, 32);
            request[1] = (byte)i;
            client.Send(request, server.LocalEndpoint);
            if (i % 25 == 24)
            {
                await arrivals.WaitForAsync(i + 1);
            }
        }

        await arrivals.WaitForAsync(count);
        Assert.Equal(count, replies.Count);
        for (var i = 0; i < count; i++)
        {
            var expected = Payload(i, 32);
            expected[1] = (byte)i;
            expected[0] ^= 0xFF;
            Assert.Equal(expected, replies[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_datagram_of_60000_bytes_goes_both_ways(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var client = transport.Bind(AnyLoopback);
        await using var server = transport.Bind(AnyLoopback);
        server.Start((socket, data, from) => socket.Send(data, from));
        var echoed = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Start((_, data, _) => echoed.TrySetResult(data.ToArray()));
        var big = Payload(7, 60_000);

        client.Send(big, server.LocalEndpoint);

        Assert.Equal(big, await echoed.Task.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_throwing_handler_is_counted_and_the_socket_keeps_receiving(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var client = transport.Bind(AnyLoopback);
        await using var server = transport.Bind(AnyLoopback);
        var calls = new Arrivals();
        server.Start((_, data, _) =>
        {
            calls.Add();
            if (data[0] == 1)
            {
                throw new InvalidOperationException("handler failure under test");
            }
        });
        client.Start((_, _, _) => { });

        client.Send([1], server.LocalEndpoint);
        await calls.WaitForAsync(1);
        client.Send([2], server.LocalEndpoint);

        await calls.WaitForAsync(2);
        Assert.Equal(new DatagramCounters(0, 0, 1), server.Counters);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task After_dispose_sends_are_counted_nothing_is_delivered_and_the_port_is_free(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var sender = transport.Bind(AnyLoopback);
        sender.Start((_, _, _) => { });
        var socket = transport.Bind(AnyLoopback);
        var delivered = 0;
        socket.Start((_, _, _) => Interlocked.Increment(ref delivered));
        var port = socket.LocalEndpoint;

        await socket.DisposeAsync();
        socket.Send([1, 2, 3], sender.LocalEndpoint);
        sender.Send([4], port);

        Assert.Equal(1, socket.Counters.SendErrors);
        await using var again = transport.Bind(port); // would throw if the descriptor were still open
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        again.Start((_, _, _) => reached.TrySetResult());
        sender.Send([5], port);
        await reached.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(0, Volatile.Read(ref delivered));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Two_hundred_sockets_each_get_their_own_datagram(UdpEngine engine)
    {
        var transport = Transport(engine);
        await using var sender = transport.Bind(AnyLoopback);
        sender.Start((_, _, _) => { });
        var sockets = new List<IDatagramSocket>();
        var got = new ConcurrentDictionary<Ipv4Endpoint, byte[]>();
        var arrivals = new Arrivals();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var socket = transport.Bind(AnyLoopback);
                sockets.Add(socket);
                socket.Start((s, data, _) =>
                {
                    got[s.LocalEndpoint] = data.ToArray();
                    arrivals.Add();
                });
            }

            foreach (var socket in sockets)
            {
                sender.Send(Encoding.ASCII.GetBytes(socket.LocalEndpoint.ToString()), socket.LocalEndpoint);
            }

            await arrivals.WaitForAsync(sockets.Count);
            Assert.Equal(sockets.Count, got.Count);
            Assert.All(sockets, s => Assert.Equal(s.LocalEndpoint.ToString(), Encoding.ASCII.GetString(got[s.LocalEndpoint])));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Binding_a_taken_port_is_a_clear_error()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = Ipv4Endpoint.FromIPEndPoint((IPEndPoint)holder.LocalEndPoint!);

        var error = Assert.Throws<DatagramBindException>(() => new UdpTransport().Bind(taken));

        Assert.Contains(taken.ToString(), error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Auto_picks_the_batched_engine_exactly_where_it_is_supported()
    {
        var expected = LinuxSockets.IsSupported ? UdpEngine.Batched : UdpEngine.Portable;
        Assert.Equal(expected, new UdpTransport(UdpEngine.Auto).Engine);
    }

    private static UdpTransport Transport(UdpEngine engine)
    {
        if (engine == UdpEngine.Batched && !LinuxSockets.IsSupported)
        {
            Assert.Skip("The batched engine needs 64-bit Linux.");
        }

        return new UdpTransport(engine);
    }

    private static byte[] Payload(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + (i * 31));
        }

        bytes[0] = (byte)seed;
        return bytes;
    }

    /// <summary>Datagrams handled so far; a test waits for a count without polling.</summary>
    private sealed class Arrivals
    {
        private readonly Lock _gate = new();
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
        private int _count;

        public void Add()
        {
            lock (_gate)
            {
                _count++;
                foreach (var waiter in _waiters.Where(w => w.Count <= _count).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }

        /// <summary>Completes once <paramref name="count"/> datagrams have been handled; fails after the test's patience.</summary>
        public Task WaitForAsync(int count)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_count >= count)
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((count, done));
            }

            return done.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        }
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
