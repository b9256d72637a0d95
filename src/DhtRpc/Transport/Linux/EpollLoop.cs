using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using DhtRpc.Wire;
using static DhtRpc.Transport.Linux.LinuxSockets;

namespace DhtRpc.Transport.Linux;

/// <summary>
/// One thread that waits on every registered UDP socket with epoll, reads what is ready in batches
/// (recvmmsg) and hands each datagram to its socket's handler. Datagrams the handlers send meanwhile
/// are queued and leave in batches (sendmmsg) once the batch they answer is handled, so a busy node
/// pays a few system calls per batch instead of two per request.
/// </summary>
#pragma warning disable CA1001 // The loop and its native batches live as long as the process.
internal sealed unsafe class EpollLoop
#pragma warning restore CA1001
{
    private const int ReceiveSlots = 32;
    private const int ReceiveSlotSize = 65536; // the largest UDP payload fits; pages are only touched as used
    private const int SendSlots = 64;
    private const int SendSlotSize = 2048;
    private const int MaxEvents = 64;
    private const int BatchesPerWakeup = 16; // then other ready sockets get their turn
    private const long WakeToken = 0;

    private static readonly Lazy<EpollLoop> SharedLoop = new(() => new EpollLoop(), LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic]
    private static EpollLoop? t_dispatching;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentDictionary<long, EpollUdpSocket> _sockets = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _barriers = new();
    private readonly DatagramBatch _receive = new(ReceiveSlots, ReceiveSlotSize);
    private readonly DatagramBatch _send = new(SendSlots, SendSlotSize);
    private readonly EpollUdpSocket?[] _sendOwners = new EpollUdpSocket?[SendSlots];
    private long _nextToken;
    private int _queued;

    private EpollLoop()
    {
        _epoll = EpollCreate(EpollCloexec);
        if (_epoll < 0)
        {
            throw DhtException.TransportFailed($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        _wake = EventFd(0, EfdCloexec | EfdNonblock);
        if (_wake < 0)
        {
            throw DhtException.TransportFailed($"eventfd failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        Control(EpollCtlAdd, _wake, WakeToken);
        var thread = new Thread(Run) { IsBackground = true, Name = "dht udp loop" };
        thread.UnsafeStart();
    }

    public static EpollLoop Shared => SharedLoop.Value;

    /// <summary>Whether the calling thread is this loop handing out a batch (so sends can join the outgoing batch).</summary>
    public bool IsDispatchingOnThisThread => t_dispatching == this;

    public long Register(EpollUdpSocket socket)
    {
        var token = Interlocked.Increment(ref _nextToken);
        _sockets[token] = socket;
        Control(EpollCtlAdd, socket.Fd, token);
        return token;
    }

    /// <summary>
    /// Stops watching the socket. The returned task completes once the loop has finished any batch that
    /// might still touch it, after which its descriptor can be closed safely.
    /// </summary>
    public Task UnregisterAsync(EpollUdpSocket socket, long token)
    {
        byte* ev = stackalloc byte[16];
        _ = EpollCtl(_epoll, EpollCtlDel, socket.Fd, ev);
        _sockets.TryRemove(token, out _);
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _barriers.Enqueue(barrier);
        ulong one = 1;
        _ = Write(_wake, &one, sizeof(ulong));
        return barrier.Task;
    }

    /// <summary>Queues a datagram sent from a handler on this loop's thread; it leaves with the batch.</summary>
    public bool TryQueueSend(EpollUdpSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint to)
    {
        if (datagram.Length > SendSlotSize)
        {
            return false;
        }

        if (_queued == SendSlots)
        {
            Flush();
        }

        _send.Fill(_queued, datagram, to);
        _sendOwners[_queued] = socket;
        _queued++;
        return true;
    }

    private void Control(int op, int fd, long token)
    {
        byte* ev = stackalloc byte[16];
        WriteEpollEvent(ev, EpollIn, token);
        if (EpollCtl(_epoll, op, fd, ev) != 0)
        {
            throw DhtException.TransportFailed($"epoll_ctl failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private void Run()
    {
        var eventSize = EpollEventSize;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * eventSize));
        t_dispatching = null;
        while (true)
        {
            var ready = EpollWait(_epoll, events, MaxEvents, -1);
            if (ready < 0)
            {
                continue; // EINTR
            }

            for (var i = 0; i < ready; i++)
            {
                var token = ReadEpollData(events + (i * eventSize));
                if (token == WakeToken)
                {
                    ulong value;
                    _ = Read(_wake, &value, sizeof(ulong));
                }
                else if (_sockets.TryGetValue(token, out var socket))
                {
                    Drain(socket);
                }
            }

            // Sockets unregistered before this point are no longer touched by this thread.
            while (_barriers.TryDequeue(out var barrier))
            {
                barrier.TrySetResult();
            }
        }
    }

    private void Drain(EpollUdpSocket socket)
    {
        for (var round = 0; round < BatchesPerWakeup && !socket.IsClosing; round++)
        {
            _receive.PrepareReceive();
            var received = RecvMmsg(socket.Fd, _receive.Headers, ReceiveSlots, MsgDontWait, null);
            if (received <= 0)
            {
                if (received < 0 && Marshal.GetLastPInvokeError() is not (EAgain or EIntr))
                {
                    socket.Losses.ReceiveFailed(); // e.g. an ICMP error reported on the socket; it stays usable
                }

                return;
            }

            t_dispatching = this;
            try
            {
                for (var i = 0; i < received && !socket.IsClosing; i++)
                {
                    Deliver(socket, i);
                }
            }
            finally
            {
                t_dispatching = null;
                Flush();
            }

            // Even a partial batch goes round again: under load more has arrived while this one was
            // handled, and reading it now saves an epoll_wait; an empty read ends the turn.
        }
    }

    private void Deliver(EpollUdpSocket socket, int slot)
    {
        var from = _receive.Sender(slot);
        if (from.Port == 0 || _receive.Truncated(slot))
        {
            socket.Losses.ReceiveFailed();
            return;
        }

        socket.Losses.Deliver(socket.Handler, socket, _receive.Received(slot), from);
    }

    /// <summary>Sends the queued datagrams, one sendmmsg per run of the same socket.</summary>
    private void Flush()
    {
        var start = 0;
        while (start < _queued)
        {
            var owner = _sendOwners[start]!;
            var end = start + 1;
            while (end < _queued && ReferenceEquals(_sendOwners[end], owner))
            {
                end++;
            }

            owner.SendBatch(_send.Headers + start, end - start);
            start = end;
        }

        Array.Clear(_sendOwners, 0, _queued);
        _queued = 0;
    }
}
