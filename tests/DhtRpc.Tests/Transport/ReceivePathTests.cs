using System.Net;
using DhtRpc.Encoding;
using DhtRpc.Threading;
using DhtRpc.Transport;
using Xunit;

namespace DhtRpc.Tests.Transport;

public sealed class ReceivePathTests
{
    [Fact]
    public void SocketAddressesRoundTripWithoutTheRuntimeSerialiser()
    {
        Assert.True(SocketAddressCodec.LayoutIsKnown);
        var endpoint = new Ipv4Endpoint(0xC0A80102, 51234);
        var address = SocketAddressCodec.ForSend(endpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.2"), 51234), new IPEndPoint(IPAddress.Any, 0).Create(address));
        Assert.Equal(endpoint, SocketAddressCodec.Read(new IPEndPoint(IPAddress.Parse("192.168.1.2"), 51234).Serialize()));
    }

    [Fact]
    public void InlineRunHappensOnlyWhenTheContextIsIdleAndDrainsQueuedWork()
    {
        var context = new SerialSynchronizationContext();
        var seen = new List<string>();
        byte[] payload = [1, 2, 3];

        Assert.True(context.TryRunInline(static (list, data) => list.Add($"inline {data.Length} {SynchronizationContext.Current is SerialSynchronizationContext}"), seen, payload));
        Assert.Equal(["inline 3 True"], seen);

        // While the context runs a work item, an inline attempt from another thread must refuse.
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        context.Post(_ =>
        {
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }, null);
        context.Post(_ => done.Set(), null);
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        Assert.False(context.TryRunInline(static (list, _) => list.Add("should not run"), seen, payload));
        release.Set();
        Assert.True(done.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(["inline 3 True"], seen);
    }
}
