using System.Net;
using DhtRpc.Wire;
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

    [Fact]
    public void InlineRunsThatWaitBrieflyNeverOverlapPostedWorkAndLoseNothing()
    {
        var context = new SerialSynchronizationContext();
        const int perThread = 5000;
        var inside = 0;
        var overlaps = 0;
        var ran = 0;
        var posted = new List<int>();
        using var allDone = new CountdownEvent(3 * perThread);

        void Work(int order, bool fromPoster)
        {
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            ran++; // not atomic on purpose: the context must make it safe
            if (fromPoster)
            {
                posted.Add(order);
            }

            Interlocked.Decrement(ref inside);
            allDone.Signal();
        }

        byte[] payload = [1];
        var receivers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                if (!context.TryRunInline(static (work, _) => work(), () => Work(i, false), payload, waitBriefly: true))
                {
                    var copy = i;
                    context.Post(_ => Work(copy, false), null);
                }
            }
        })).ToList();
        var poster = new Thread(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var copy = i;
                context.Post(_ => Work(copy, true), null);
            }
        });
        receivers.ForEach(t => t.Start());
        poster.Start();

        Assert.True(allDone.Wait(TimeSpan.FromSeconds(60)), "queued work stalled");
        receivers.ForEach(t => t.Join());
        poster.Join();
        Assert.Equal(0, overlaps);
        Assert.Equal(3 * perThread, ran);
        Assert.Equal(Enumerable.Range(0, perThread), posted);
    }

    [Fact]
    public void APoolThreadLetsTheContextGoBetweenBatchesSoAReceiveThreadGetsBackIn()
    {
        // A receive thread that failed once posts its work; the pool must not keep the context for
        // the whole backlog, or the receive thread never runs inline again while traffic lasts.
        var context = new SerialSynchronizationContext();
        const int backlog = 1000;
        var ran = 0;
        var order = new List<int>();
        using var release = new ManualResetEventSlim();
        context.Post(_ => release.Wait(TimeSpan.FromSeconds(30)), null);
        for (var i = 0; i < backlog; i++)
        {
            var copy = i;
            context.Post(_ =>
            {
                // 20 µs each, like answering a datagram: 20 ms in all, so the receive thread is
                // scheduled at some batch boundary however the cores are shared.
                var until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 50_000);
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                }

                order.Add(copy);
                ran++;
            }, null);
        }

        var ranBeforeInline = -1;
        var receiver = new Thread(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !context.TryRunInline((_, _) => ranBeforeInline = ran, 0, [1]))
            {
                Thread.SpinWait(10);
            }
        });
        receiver.Start();
        release.Set();
        receiver.Join();

        Assert.InRange(ranBeforeInline, 0, backlog - 1); // got in while posted work was still queued
        Assert.Equal(backlog, ran); // and the inline run drained the rest, in order
        Assert.Equal(Enumerable.Range(0, backlog), order);
    }
}
