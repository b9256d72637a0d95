using System.Buffers.Binary;
using System.Diagnostics;
using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Simulation.Tests;

public class SimulationScaleTests
{
    [Fact]
    public void Ten_thousand_sockets_ping_pong_on_one_thread()
    {
        const int count = 10_000;
        var host = new SimulationHost(new SimulatedNetworkOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var sockets = new IDatagramSocket[count];
        var pongs = new int[count];
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < count; i++)
        {
            // 10.0.x.y: one host per node, like a real overlay.
            var socket = host.Network.Bind(new Ipv4Endpoint(0x0A000000u + (uint)i + 1, 49737));
            socket.Start(OnDatagram);
            sockets[i] = socket;
        }

        void OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
        {
            var index = BinaryPrimitives.ReadInt32LittleEndian(datagram[1..]);
            if (datagram[0] == 0)
            {
                Span<byte> pong = stackalloc byte[5];
                pong[0] = 1;
                BinaryPrimitives.WriteInt32LittleEndian(pong[1..], index);
                socket.Send(pong, from);
            }
            else
            {
                pongs[index]++;
            }
        }

        host.Loop.Post(
            _ =>
            {
                Span<byte> ping = stackalloc byte[5];
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(ping[1..], i);
                    sockets[i].Send(ping, sockets[(i + 7919) % count].LocalEndpoint);
                }
            },
            null);
        host.RunUntilIdle(TimeSpan.FromSeconds(1));
        stopwatch.Stop();

        Assert.All(pongs, n => Assert.Equal(1, n));
        Assert.Equal(2 * count, host.Network.DatagramsDelivered);
        Assert.Equal(0, host.Network.DatagramsDropped);
        Assert.Equal(TimeSpan.FromMilliseconds(10), host.Clock.Elapsed);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }
}
