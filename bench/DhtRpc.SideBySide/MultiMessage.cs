using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DhtRpc.SideBySide;

/// <summary>
/// Linux recvmmsg/sendmmsg on a connected UDP socket: many datagrams per system call, so the load
/// generator spends its core on the measured server's replies rather than on its own syscalls.
/// </summary>
internal sealed unsafe partial class MultiMessage : IDisposable
{
    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;
    private const int EIntr = 4;
    private const short PollIn = 0x1;
    private const short PollOut = 0x4;
    private const int SockAddrSize = 28; // sockaddr_in6, the larger of the two

    private readonly nint _fd;
    private readonly byte* _memory;
    private readonly IoVec* _iov;
    private readonly MmsgHdr* _headers;
    private readonly byte* _names;

    /// <param name="withAddresses">Keep each datagram's peer address (for an unconnected socket).</param>
    public MultiMessage(Socket socket, int capacity, int slotSize, bool withAddresses = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The batched load generator needs Linux (recvmmsg/sendmmsg).");
        }

        socket.Blocking = false;
        _fd = socket.SafeHandle.DangerousGetHandle();
        Capacity = capacity;
        SlotSize = slotSize;
        _memory = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * slotSize));
        _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(IoVec)));
        _headers = (MmsgHdr*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(MmsgHdr)));
        _names = withAddresses ? (byte*)NativeMemory.AllocZeroed((nuint)(capacity * SockAddrSize)) : null;
        for (var i = 0; i < capacity; i++)
        {
            _iov[i].Base = _memory + (i * slotSize);
            _iov[i].Length = (nuint)slotSize;
            _headers[i].Header.Iov = &_iov[i];
            _headers[i].Header.IovLength = 1;
            if (_names is not null)
            {
                _headers[i].Header.Name = _names + (i * SockAddrSize);
            }
        }
    }

    public int Capacity { get; }

    public int SlotSize { get; }

    /// <summary>Slot <paramref name="index"/>'s buffer (to fill before <see cref="Send"/>).</summary>
    public Span<byte> Slot(int index) => new(_memory + (index * SlotSize), SlotSize);

    /// <summary>Slot <paramref name="index"/>'s received bytes after <see cref="Receive"/>.</summary>
    public ReadOnlySpan<byte> Received(int index) => new(_memory + (index * SlotSize), (int)_headers[index].Length);

    /// <summary>Receives up to <see cref="Capacity"/> datagrams without blocking; 0 when none is waiting.</summary>
    public int Receive()
    {
        for (var i = 0; i < Capacity; i++)
        {
            _iov[i].Length = (nuint)SlotSize;
            _headers[i].Header.NameLength = _names is null ? 0u : SockAddrSize;
        }

        var n = RecvMmsg(_fd, _headers, (uint)Capacity, MsgDontWait, null);
        if (n >= 0)
        {
            return n;
        }

        // EAGAIN: nothing waiting. Anything else (ECONNREFUSED from an ICMP while the server starts) is counted.
        var errno = Marshal.GetLastPInvokeError();
        if (errno != EAgain && errno != EIntr)
        {
            ReceiveErrors++;
        }

        return 0;
    }

    public long ReceiveErrors { get; private set; }

    /// <summary>Sends slots 0..count-1 (each <paramref name="lengths"/>[i] bytes), waiting while the socket is full.</summary>
    public void Send(int count, ReadOnlySpan<int> lengths)
    {
        for (var i = 0; i < count; i++)
        {
            _iov[i].Length = (nuint)lengths[i];
        }

        var done = 0;
        while (done < count)
        {
            var n = SendMmsg(_fd, _headers + done, (uint)(count - done), MsgDontWait);
            if (n > 0)
            {
                done += n;
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EAgain)
            {
                Wait(PollOut, 10);
            }
            else if (errno != EIntr)
            {
                done++; // ECONNREFUSED and the like: that datagram is lost, as on the wire.
            }
        }
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for a datagram to read.</summary>
    public void WaitReadable(int milliseconds) => Wait(PollIn, milliseconds);

    public void Dispose()
    {
        NativeMemory.Free(_memory);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
        NativeMemory.Free(_names);
    }

    private void Wait(short events, int milliseconds)
    {
        var fd = new PollFd { Fd = (int)_fd, Events = events };
        _ = Poll(&fd, 1, milliseconds);
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMmsg(nint fd, MmsgHdr* headers, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMmsg(nint fd, MmsgHdr* headers, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (x86-64 and arm64 Linux layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MmsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
