using System.Net.Sockets;
using System.Runtime.InteropServices;
using DhtRpc.Wire;
using DhtRpc.Transport.Linux;

namespace DhtRpc.SideBySide;

/// <summary>
/// recvmmsg/sendmmsg for the load generator and the batched echo, on the library's own native batch
/// (<see cref="DatagramBatch"/>): many datagrams per system call, so the generator spends its core on
/// the measured server's replies rather than on its own syscalls.
/// </summary>
internal sealed unsafe class MultiMessage : IDisposable
{
    private const short PollIn = 0x1;

    private readonly int _fd;
    private readonly DatagramBatch _batch;

    public MultiMessage(Socket socket, int capacity, int slotSize)
    {
        if (!LinuxSockets.IsSupported)
        {
            throw new PlatformNotSupportedException("The batched load generator needs 64-bit Linux (recvmmsg/sendmmsg).");
        }

        socket.Blocking = false;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _batch = new DatagramBatch(capacity, slotSize);
    }

    public int Capacity => _batch.Capacity;

    public long ReceiveErrors { get; private set; }

    /// <summary>Slot <paramref name="index"/>'s received bytes after <see cref="Receive"/>.</summary>
    public ReadOnlySpan<byte> Received(int index) => _batch.Received(index);

    /// <summary>Slot <paramref name="index"/>'s sender after <see cref="Receive"/>.</summary>
    public Ipv4Endpoint Sender(int index) => _batch.Sender(index);

    /// <summary>Copies a datagram and its destination into slot <paramref name="index"/> (the slot's own bytes may be the source).</summary>
    public void Fill(int index, ReadOnlySpan<byte> datagram, Ipv4Endpoint to) => _batch.Fill(index, datagram, to);

    /// <summary>Receives up to <see cref="Capacity"/> datagrams without blocking; 0 when none is waiting.</summary>
    public int Receive()
    {
        _batch.PrepareReceive();
        var n = LinuxSockets.RecvMmsg(_fd, _batch.Headers, (uint)Capacity, LinuxSockets.MsgDontWait, null);
        if (n >= 0)
        {
            return n;
        }

        // EAGAIN: nothing waiting. Anything else (ECONNREFUSED from an ICMP while the server starts) is counted.
        if (Marshal.GetLastPInvokeError() is not (LinuxSockets.EAgain or LinuxSockets.EIntr))
        {
            ReceiveErrors++;
        }

        return 0;
    }

    /// <summary>Sends slots 0..count-1 as filled, waiting while the socket is full.</summary>
    public void Send(int count)
    {
        var done = 0;
        while (done < count)
        {
            var n = LinuxSockets.SendMmsg(_fd, _batch.Headers + done, (uint)(count - done), LinuxSockets.MsgDontWait);
            if (n > 0)
            {
                done += n;
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == LinuxSockets.EAgain)
            {
                Wait(LinuxSockets.PollOut, 10);
            }
            else if (errno != LinuxSockets.EIntr)
            {
                done++; // ECONNREFUSED and the like: that datagram is lost, as on the wire.
            }
        }
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for a datagram to read.</summary>
    public void WaitReadable(int milliseconds) => Wait(PollIn, milliseconds);

    public void Dispose() => _batch.Dispose();

    private void Wait(short events, int milliseconds)
    {
        var fd = new LinuxSockets.PollFd { Fd = _fd, Events = events };
        _ = LinuxSockets.Poll(&fd, 1, milliseconds);
    }
}
