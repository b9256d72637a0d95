using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DhtRpc.Wire;

namespace DhtRpc.Transport.Linux;

/// <summary>
/// The few libc calls the batched engine needs: epoll, eventfd, recvmmsg and sendmmsg. The struct
/// layouts are those of 64-bit Linux (x86-64 and arm64); <see cref="IsSupported"/> says whether this is one.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    public const int EAgain = 11;
    public const int EIntr = 4;
    public const int MsgDontWait = 0x40;
    public const int MsgTrunc = 0x20;
    public const uint EpollIn = 0x001;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCloexec = 0x80000;
    public const int EfdCloexec = 0x80000;
    public const int EfdNonblock = 0x800;
    public const short PollOut = 0x4;
    public const ushort AfInet = 2;
    public const int IpProtoIp = 0;
    public const int IpTtl = 2;

    /// <summary>sizeof(struct sockaddr_in6): room for either address family.</summary>
    public const int SockAddrSize = 28;

    public static bool IsSupported { get; } =
        OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>struct epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16) elsewhere.</summary>
    public static int EpollEventSize { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static int EpollDataOffset { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MmsgHdr* headers, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MmsgHdr* headers, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeout);

    /// <summary>sizeof(struct sockaddr_in).</summary>
    public const int SockAddrInSize = 16;

    /// <summary>Writes <paramref name="endpoint"/> as a sockaddr_in (family in host order, port and address big-endian).</summary>
    public static void WriteSockAddrIn(Span<byte> target, Ipv4Endpoint endpoint)
    {
        target[..SockAddrInSize].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(target, AfInet);
        BinaryPrimitives.WriteUInt16BigEndian(target[2..4], endpoint.Port);
        BinaryPrimitives.WriteUInt32BigEndian(target[4..8], endpoint.Address);
    }

    /// <summary>The IPv4 endpoint of a sockaddr of <paramref name="length"/> bytes, or port 0 when it is not IPv4.</summary>
    public static Ipv4Endpoint ReadSockAddrIn(ReadOnlySpan<byte> source, uint length) =>
        length < 8 || BinaryPrimitives.ReadUInt16LittleEndian(source) != AfInet
            ? default
            : new Ipv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(source[4..8]), BinaryPrimitives.ReadUInt16BigEndian(source[2..4]));

    /// <summary>Writes an epoll_event with <paramref name="events"/> and a 64-bit user value.</summary>
    public static void WriteEpollEvent(byte* target, uint events, long data)
    {
        *(uint*)target = events;
        Unsafe.WriteUnaligned(target + EpollDataOffset, data);
    }

    public static uint ReadEpollEvents(byte* source) => *(uint*)source;

    public static long ReadEpollData(byte* source) => Unsafe.ReadUnaligned<long>(source + EpollDataOffset);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MmsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    /// <summary>A control message carrying one int (struct cmsghdr plus its data, padded to 8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IntControlMessage
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Value;
        public int Padding;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
