using DhtRpc.Wire;

namespace DhtRpc.Simulation.Tests;

public class SimulatedNatTests
{
    private const uint PrivateHost = 0xC0A80002; // 192.168.0.2
    private const uint PublicHost = 0x05050505; // 5.5.5.5
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public void Firewalled_nat_blocks_unsolicited_inbound_but_lets_replies_through()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Firewalled);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var peer = Inbox.Bind(host, "10.0.0.1:1000");
        var stranger = Inbox.Bind(host, "10.0.0.2:1000");
        var publicEndpoint = new Ipv4Endpoint(PublicHost, 3000);

        peer.Socket.Send([1], publicEndpoint);
        host.RunUntilIdle(Long);
        Assert.Empty(inside.Received);
        Assert.Equal(1, host.Network.DroppedFor(DropReason.NatFiltered));

        inside.Socket.Send([2], peer.Endpoint);
        host.RunUntilIdle(Long);
        var seen = peer.Received.Single().From;
        Assert.Equal(publicEndpoint, seen);

        peer.Socket.Send([3], seen);
        stranger.Socket.Send([4], seen);
        host.RunUntilIdle(Long);
        Assert.Equal([3], inside.Received.Single().Data);
        Assert.Equal(peer.Endpoint, inside.Received.Single().From);
        Assert.Equal(2, host.Network.DroppedFor(DropReason.NatFiltered));
    }

    [Fact]
    public void Firewalled_nat_filters_by_port_too()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Firewalled);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var peer = Inbox.Bind(host, "10.0.0.1:1000");
        var peerOtherPort = Inbox.Bind(host, "10.0.0.1:1001");

        inside.Socket.Send([1], peer.Endpoint);
        host.RunUntilIdle(Long);
        peerOtherPort.Socket.Send([2], peer.Received.Single().From);
        host.RunUntilIdle(Long);

        Assert.Empty(inside.Received);
    }

    [Fact]
    public void Open_nat_accepts_anyone_once_the_mapping_exists()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Open);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var peer = Inbox.Bind(host, "10.0.0.1:1000");
        var stranger = Inbox.Bind(host, "10.0.0.2:1000");

        inside.Socket.Send([1], peer.Endpoint);
        host.RunUntilIdle(Long);
        stranger.Socket.Send([2], peer.Received.Single().From);
        host.RunUntilIdle(Long);

        Assert.Equal(new Ipv4Endpoint(PublicHost, 3000), peer.Received.Single().From);
        Assert.Equal(stranger.Endpoint, inside.Received.Single().From);
    }

    [Fact]
    public void Randomized_nat_maps_each_destination_to_its_own_port()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Randomized);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var a = Inbox.Bind(host, "10.0.0.1:1000");
        var b = Inbox.Bind(host, "10.0.0.2:1000");

        inside.Socket.Send([1], a.Endpoint);
        inside.Socket.Send([1], b.Endpoint);
        inside.Socket.Send([1], a.Endpoint);
        host.RunUntilIdle(Long);
        var seenByA = a.Received.Select(r => r.From).Distinct().Single();
        var seenByB = b.Received.Single().From;

        Assert.Equal(PublicHost, seenByA.Address);
        Assert.NotEqual(seenByA, seenByB);

        b.Socket.Send([2], seenByA);
        a.Socket.Send([3], seenByA);
        host.RunUntilIdle(Long);
        Assert.Equal([3], inside.Received.Single().Data);
    }

    [Fact]
    public void Hosts_behind_a_nat_are_not_addressable_from_outside_but_are_from_the_same_nat()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Open);
        host.Network.AddNat(PrivateHost + 1, PublicHost, NatBehavior.Open);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var neighbour = Inbox.Bind(host, "192.168.0.3:3000");
        var outside = Inbox.Bind(host, "10.0.0.1:1000");

        outside.Socket.Send([1], inside.Endpoint);
        neighbour.Socket.Send([2], inside.Endpoint);
        host.RunUntilIdle(Long);

        Assert.Equal(1, host.Network.DroppedFor(DropReason.Unreachable));
        Assert.Equal(neighbour.Endpoint, inside.Received.Single().From);
    }

    [Fact]
    public void Sharing_a_nat_keeps_ports_apart()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Firewalled);
        host.Network.AddNat(PrivateHost + 1, PublicHost, NatBehavior.Firewalled);
        var first = Inbox.Bind(host, "192.168.0.2:3000");
        var second = Inbox.Bind(host, "192.168.0.3:3000");
        var peer = Inbox.Bind(host, "10.0.0.1:1000");

        first.Socket.Send([1], peer.Endpoint);
        second.Socket.Send([2], peer.Endpoint);
        host.RunUntilIdle(Long);
        foreach (var (data, from, _) in peer.Received)
        {
            peer.Socket.Send(data, from);
        }

        host.RunUntilIdle(Long);

        Assert.NotEqual(peer.Received[0].From, peer.Received[1].From);
        Assert.Equal([1], first.Received.Single().Data);
        Assert.Equal([2], second.Received.Single().Data);
    }

    [Fact]
    public async Task Closing_a_socket_removes_its_mapping()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Open);
        var inside = Inbox.Bind(host, "192.168.0.2:3000");
        var peer = Inbox.Bind(host, "10.0.0.1:1000");
        inside.Socket.Send([1], peer.Endpoint);
        host.RunUntilIdle(Long);

        await inside.Socket.DisposeAsync();
        peer.Socket.Send([2], peer.Received.Single().From);
        host.RunUntilIdle(Long);

        Assert.Equal(1, host.Network.DroppedFor(DropReason.NatFiltered));
    }

    [Fact]
    public void The_public_address_cannot_be_bound()
    {
        var host = new SimulationHost();
        host.Network.AddNat(PrivateHost, PublicHost, NatBehavior.Open);

        Assert.Throws<DhtRpc.Transport.DatagramBindException>(() => host.Network.Bind(new Ipv4Endpoint(PublicHost, 1)));
        Assert.Throws<InvalidOperationException>(() => host.Network.AddNat(PrivateHost + 1, PublicHost, NatBehavior.Firewalled));
    }
}
