using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Transport;
using DhtRpc.Transport.Linux;

namespace DhtRpc.IntegrationTests.Transport;

/// <summary>A request's TTL reaches the wire on both engines, and only that request's datagrams carry it.</summary>
public sealed partial class RequestTtlTests
{
    public static TheoryData<UdpEngine> Engines => [UdpEngine.Portable, UdpEngine.Batched];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_ping_with_a_ttl_leaves_with_it_and_the_next_one_with_the_default(UdpEngine engine)
    {
        if (!OperatingSystem.IsLinux() || (engine == UdpEngine.Batched && !LinuxSockets.IsSupported))
        {
            Assert.Skip("Reading a datagram's TTL needs Linux (IP_RECVTTL).");
        }

        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.SetRawSocketOption(0 /* IPPROTO_IP */, 12 /* IP_RECVTTL */, BitConverter.GetBytes(1));
        receiver.ReceiveTimeout = 10_000;
        var target = Ipv4Endpoint.FromIPEndPoint((IPEndPoint)receiver.LocalEndPoint!);
        await using var node = new DhtNode(new DhtNodeOptions
        {
            Host = "127.0.0.1",
            Bootstrap = [],
            Ephemeral = true,
            Transport = new UdpTransport(engine),
        });
        var once = new RequestOptions { Retry = false, Timeout = TimeSpan.FromMilliseconds(200) };

        await PingExpectingNoAnswerAsync(node, target, once with { Ttl = 7 });
        var first = ReceiveTtl(receiver);
        await PingExpectingNoAnswerAsync(node, target, once);
        var second = ReceiveTtl(receiver);

        Assert.Equal(7, first);
        Assert.NotEqual(7, second);
        Assert.InRange(second, 1, 255);
    }

    [Fact]
    public async Task A_ttl_out_of_range_is_refused()
    {
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [], Ephemeral = true });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => node.PingAsync(Ipv4Endpoint.Parse("127.0.0.1:9"), options: new RequestOptions { Ttl = 256 }));
    }

    private static async Task PingExpectingNoAnswerAsync(DhtNode node, Ipv4Endpoint target, RequestOptions options)
    {
        var error = await Assert.ThrowsAsync<DhtException>(() => node.PingAsync(target, options: options));
        Assert.Equal(DhtErrorCode.RequestTimeout, error.Code);
    }

    /// <summary>Reads one datagram with recvmsg and returns the TTL from its IP_TTL control message.</summary>
    private static unsafe int ReceiveTtl(Socket socket)
    {
        var data = stackalloc byte[2048];
        var control = stackalloc byte[64];
        var iov = stackalloc nuint[2];
        iov[0] = (nuint)data;
        iov[1] = 2048;
        var header = stackalloc byte[56]; // struct msghdr on 64-bit Linux
        new Span<byte>(header, 56).Clear();
        *(nuint*)(header + 16) = (nuint)iov;   // msg_iov
        *(nuint*)(header + 24) = 1;            // msg_iovlen
        *(nuint*)(header + 32) = (nuint)control; // msg_control
        *(nuint*)(header + 40) = 64;           // msg_controllen
        var received = RecvMsg((int)socket.SafeHandle.DangerousGetHandle(), header, 0);
        Assert.True(received >= 0, $"recvmsg failed (errno {Marshal.GetLastPInvokeError()})");
        var controlLength = (int)*(nuint*)(header + 40);
        for (var offset = 0; offset + 16 <= controlLength;)
        {
            var length = (int)*(nuint*)(control + offset);
            var level = *(int*)(control + offset + 8);
            var type = *(int*)(control + offset + 12);
            if (level == 0 && type == 2 /* IP_TTL */)
            {
                return *(int*)(control + offset + 16);
            }

            offset += (length + 7) & ~7;
            if (length == 0)
            {
                break;
            }
        }

        Assert.Fail("the datagram came without an IP_TTL control message");
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static unsafe partial nint RecvMsg(int fd, byte* message, int flags);
}
