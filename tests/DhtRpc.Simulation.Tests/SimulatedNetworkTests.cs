using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Simulation.Tests;

public class SimulatedNetworkTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public void Datagrams_arrive_after_the_configured_latency_with_the_sender_address()
    {
        var host = new SimulationHost(new SimulatedNetworkOptions { Latency = TimeSpan.FromMilliseconds(30) });
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:2000");
        host.Advance(TimeSpan.FromSeconds(1));

        a.Socket.Send([1, 2, 3], b.Endpoint);
        a.Socket.Send([4], b.Endpoint);
        host.RunUntilIdle(Long);

        Assert.Equal(2, b.Received.Count);
        Assert.Equal([1, 2, 3], b.Received[0].Data);
        Assert.Equal([4], b.Received[1].Data);
        Assert.All(b.Received, r => Assert.Equal(a.Endpoint, r.From));
        Assert.All(b.Received, r => Assert.Equal(TimeSpan.FromMilliseconds(1030), r.At));
        Assert.Equal(2, host.Network.DatagramsSent);
        Assert.Equal(2, host.Network.DatagramsDelivered);
        Assert.Equal(4, host.Network.BytesSent);
        Assert.Equal(0, host.Network.DatagramsInFlight);
    }

    [Fact]
    public void The_sender_buffer_can_be_reused_right_after_send()
    {
        var host = new SimulationHost();
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:2000");
        var buffer = new byte[] { 7, 7 };

        a.Socket.Send(buffer, b.Endpoint);
        buffer[0] = 9;
        host.RunUntilIdle(Long);

        Assert.Equal([7, 7], b.Received.Single().Data);
    }

    [Fact]
    public void Jitter_stays_within_bounds_and_is_reproducible()
    {
        static List<TimeSpan> Arrivals(int seed)
        {
            var options = new SimulatedNetworkOptions
            {
                Latency = TimeSpan.FromMilliseconds(10),
                Jitter = TimeSpan.FromMilliseconds(20),
                Seed = seed,
            };
            var host = new SimulationHost(options);
            var a = Inbox.Bind(host, "10.0.0.1:1000");
            var b = Inbox.Bind(host, "10.0.0.2:2000");
            for (var i = 0; i < 200; i++)
            {
                a.Socket.Send([(byte)i], b.Endpoint);
            }

            host.RunUntilIdle(Long);
            return b.Received.Select(r => r.At).ToList();
        }

        var first = Arrivals(5);

        Assert.Equal(200, first.Count);
        Assert.All(first, at => Assert.InRange(at, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30)));
        Assert.True(first.Distinct().Count() > 100);
        Assert.Equal(first, Arrivals(5));
    }

    [Fact]
    public void Loss_is_reproducible_with_a_seed_and_close_to_the_configured_rate()
    {
        static List<int> Survivors(int seed)
        {
            var host = new SimulationHost(new SimulatedNetworkOptions { LossProbability = 0.3, Seed = seed });
            var a = Inbox.Bind(host, "10.0.0.1:1000");
            var b = Inbox.Bind(host, "10.0.0.2:2000");
            for (var i = 0; i < 10_000; i++)
            {
                a.Socket.Send(BitConverter.GetBytes(i), b.Endpoint);
            }

            host.RunUntilIdle(Long);
            Assert.Equal(10_000 - b.Received.Count, host.Network.DroppedFor(DropReason.Lost));
            return b.Received.Select(r => BitConverter.ToInt32(r.Data)).ToList();
        }

        var first = Survivors(7);

        Assert.InRange(first.Count, 6_800, 7_200);
        Assert.Equal(first, Survivors(7));
        Assert.NotEqual(first, Survivors(8));
    }

    [Fact]
    public void Port_zero_picks_ports_in_order_and_wildcard_means_loopback()
    {
        var host = new SimulationHost();
        var network = host.Network;

        var first = network.Bind(new Ipv4Endpoint(0, 0));
        var second = network.Bind(Ipv4Endpoint.Parse("10.1.2.3:0"));
        network.Bind(Ipv4Endpoint.Loopback(20002));
        var fourth = network.Bind(Ipv4Endpoint.Loopback(0));

        Assert.Equal(Ipv4Endpoint.Loopback(20000), first.LocalEndpoint);
        Assert.Equal(Ipv4Endpoint.Parse("10.1.2.3:20001"), second.LocalEndpoint);
        Assert.Equal(Ipv4Endpoint.Loopback(20003), fourth.LocalEndpoint);
        Assert.Equal(4, network.BoundSockets);
    }

    [Fact]
    public async Task Binding_a_bound_address_fails_until_it_is_released()
    {
        var host = new SimulationHost();
        var socket = host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.1:5000"));

        var error = Assert.Throws<DatagramBindException>(() => host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.1:5000")));
        Assert.Contains("10.0.0.1:5000", error.Message, StringComparison.Ordinal);
        host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.2:5000"));

        await socket.DisposeAsync();
        var again = host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.1:5000"));
        Assert.Equal(Ipv4Endpoint.Parse("10.0.0.1:5000"), again.LocalEndpoint);
    }

    [Fact]
    public void Ephemeral_range_exhaustion_is_a_bind_error()
    {
        var host = new SimulationHost(new SimulatedNetworkOptions { FirstEphemeralPort = 100, LastEphemeralPort = 101 });
        host.Network.Bind(Ipv4Endpoint.Loopback(0));
        host.Network.Bind(Ipv4Endpoint.Loopback(0));

        Assert.Throws<DatagramBindException>(() => host.Network.Bind(Ipv4Endpoint.Loopback(0)));
        Assert.Equal(100, host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.1:0")).LocalEndpoint.Port);
    }

    [Fact]
    public async Task Undeliverable_datagrams_are_counted_by_reason()
    {
        var host = new SimulationHost();
        var network = host.Network;
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var loopback = Inbox.Bind(host, "127.0.0.1:1000");
        var idle = network.Bind(Ipv4Endpoint.Parse("10.0.0.3:1000"));
        var closed = network.Bind(Ipv4Endpoint.Parse("10.0.0.4:1000"));
        await closed.DisposeAsync();

        a.Socket.Send([1], Ipv4Endpoint.Parse("10.0.0.9:9"));
        a.Socket.Send([1], loopback.Endpoint);
        a.Socket.Send(new byte[SimulatedNetwork.MaxDatagramSize + 1], loopback.Endpoint);
        a.Socket.Send([1], idle.LocalEndpoint);
        closed.Send([1], a.Endpoint);
        a.Socket.Send(new byte[SimulatedNetwork.MaxDatagramSize], Ipv4Endpoint.Parse("10.0.0.9:9"));
        host.RunUntilIdle(Long);

        Assert.Equal(2, network.DroppedFor(DropReason.NoListener));
        Assert.Equal(1, network.DroppedFor(DropReason.Unreachable));
        Assert.Equal(1, network.DroppedFor(DropReason.Oversize));
        Assert.Equal(1, network.DroppedFor(DropReason.NotStarted));
        Assert.Equal(1, network.DroppedFor(DropReason.SenderClosed));
        Assert.Equal(6, network.DatagramsDropped);
        Assert.Equal(0, network.DatagramsDelivered);
        Assert.Empty(a.Received);
        Assert.Empty(loopback.Received);
    }

    [Fact]
    public void Offline_hosts_and_sockets_drop_everything_in_and_out()
    {
        var host = new SimulationHost();
        var network = host.Network;
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:2000");
        var b2 = Inbox.Bind(host, "10.0.0.2:2001");

        network.SetHostOffline(b.Endpoint.Address, true);
        a.Socket.Send([1], b.Endpoint);
        b2.Socket.Send([2], a.Endpoint);
        host.RunUntilIdle(Long);
        Assert.Empty(b.Received);
        Assert.Empty(a.Received);
        Assert.Equal(2, network.DroppedFor(DropReason.Offline));

        network.SetHostOffline(b.Endpoint.Address, false);
        network.SetOffline(b2.Endpoint, true);
        a.Socket.Send([3], b.Endpoint);
        a.Socket.Send([4], b2.Endpoint);
        host.RunUntilIdle(Long);
        Assert.Equal([3], b.Received.Single().Data);
        Assert.Empty(b2.Received);

        network.SetOffline(b2.Endpoint, false);
        a.Socket.Send([5], b2.Endpoint);
        host.RunUntilIdle(Long);
        Assert.Equal([5], b2.Received.Single().Data);
    }

    [Fact]
    public void A_host_going_offline_drops_datagrams_already_in_flight_to_it()
    {
        var host = new SimulationHost(new SimulatedNetworkOptions { Latency = TimeSpan.FromMilliseconds(50) });
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:2000");

        a.Socket.Send([1], b.Endpoint);
        host.Advance(TimeSpan.FromMilliseconds(10));
        host.Network.SetHostOffline(b.Endpoint.Address, true);
        host.RunUntilIdle(Long);

        Assert.Empty(b.Received);
        Assert.Equal(1, host.Network.DroppedFor(DropReason.Offline));
    }

    [Fact]
    public void A_link_filter_blocks_one_direction()
    {
        var host = new SimulationHost();
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:2000");
        host.Network.LinkFilter = (from, to) => !(from == a.Endpoint && to == b.Endpoint);

        a.Socket.Send([1], b.Endpoint);
        b.Socket.Send([2], a.Endpoint);
        host.RunUntilIdle(Long);

        Assert.Empty(b.Received);
        Assert.Equal([2], a.Received.Single().Data);
        Assert.Equal(1, host.Network.DroppedFor(DropReason.Filtered));
    }

    [Fact]
    public void Loopback_sockets_reach_each_other()
    {
        var host = new SimulationHost();
        var a = new Inbox(host, host.Network.Bind(new Ipv4Endpoint(0, 0)));
        var b = new Inbox(host, host.Network.Bind(new Ipv4Endpoint(0, 0)));

        a.Socket.Send([1], b.Endpoint);
        host.RunUntilIdle(Long);

        Assert.Equal(a.Endpoint, b.Received.Single().From);
    }

    [Fact]
    public void A_throwing_handler_surfaces_and_later_datagrams_are_still_delivered()
    {
        var host = new SimulationHost();
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var thrower = host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.2:2000"));
        var received = 0;
        thrower.Start((_, datagram, _) =>
        {
            received++;
            if (datagram[0] == 0)
            {
                throw new InvalidDataException("handler bug");
            }
        });

        a.Socket.Send([0], thrower.LocalEndpoint);
        a.Socket.Send([1], thrower.LocalEndpoint);

        Assert.Throws<InvalidDataException>(() => host.RunUntilIdle(Long));
        host.RunUntilIdle(Long);
        Assert.Equal(2, received);
    }

    [Fact]
    public void Starting_twice_is_an_error()
    {
        var host = new SimulationHost();
        var socket = host.Network.Bind(Ipv4Endpoint.Loopback(0));
        socket.Start((_, _, _) => { });

        Assert.Throws<InvalidOperationException>(() => socket.Start((_, _, _) => { }));
    }

    [Fact]
    public void Zero_latency_replies_do_not_starve_other_loop_work()
    {
        var host = new SimulationHost(new SimulatedNetworkOptions { Latency = TimeSpan.Zero });
        var a = host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.1:1000"));
        var b = host.Network.Bind(Ipv4Endpoint.Parse("10.0.0.2:1000"));
        var exchanged = 0;
        var otherWorkRan = false;
        a.Start(Bounce);
        b.Start(Bounce);

        void Bounce(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
        {
            if (++exchanged == 1)
            {
                host.Loop.Post(_ => otherWorkRan = true, null);
            }

            if (!otherWorkRan)
            {
                socket.Send(datagram, from);
            }
        }

        a.Send([1], b.LocalEndpoint);
        host.RunUntilIdle(Long);

        Assert.True(otherWorkRan);
        Assert.Equal(2, exchanged);
        Assert.Equal(TimeSpan.Zero, host.Clock.Elapsed);
    }
}
