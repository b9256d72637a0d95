using System.Runtime.InteropServices;
using DhtRpc.Wire;
using static DhtRpc.Transport.Linux.LinuxSockets;

namespace DhtRpc.Transport.Linux;

/// <summary>
/// Native memory for one recvmmsg or sendmmsg call: <see cref="Capacity"/> slots, each a buffer of
/// <see cref="SlotSize"/> bytes, its iovec, its address and its mmsghdr. Used by one thread at a time.
/// </summary>
internal sealed unsafe class DatagramBatch : IDisposable
{
    private readonly byte* _buffers;
    private readonly byte* _names;
    private readonly IoVec* _iov;
    private bool _disposed;

    public DatagramBatch(int capacity, int slotSize)
    {
        Capacity = capacity;
        SlotSize = slotSize;
        _buffers = (byte*)NativeMemory.Alloc((nuint)capacity * (nuint)slotSize);
        _names = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * SockAddrSize));
        _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(IoVec)));
        Headers = (MmsgHdr*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(MmsgHdr)));
        for (var i = 0; i < capacity; i++)
        {
            _iov[i].Base = _buffers + ((nint)i * slotSize);
            _iov[i].Length = (nuint)slotSize;
            Headers[i].Header.Iov = &_iov[i];
            Headers[i].Header.IovLength = 1;
            Headers[i].Header.Name = _names + (i * SockAddrSize);
            Headers[i].Header.NameLength = SockAddrSize;
        }
    }

    public int Capacity { get; }

    public int SlotSize { get; }

    public MmsgHdr* Headers { get; }

    /// <summary>Makes every slot ready to receive a whole datagram and its sender's address.</summary>
    public void PrepareReceive()
    {
        for (var i = 0; i < Capacity; i++)
        {
            _iov[i].Length = (nuint)SlotSize;
            Headers[i].Header.NameLength = SockAddrSize;
            Headers[i].Header.Flags = 0;
        }
    }

    /// <summary>The bytes received in slot <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Received(int index) => new(_buffers + ((nint)index * SlotSize), (int)Headers[index].Length);

    /// <summary>Whether slot <paramref name="index"/>'s datagram was cut short (larger than the slot).</summary>
    public bool Truncated(int index) => (Headers[index].Header.Flags & MsgTrunc) != 0;

    /// <summary>The IPv4 sender of slot <paramref name="index"/>, or port 0 when it is not IPv4.</summary>
    public Ipv4Endpoint Sender(int index) =>
        ReadSockAddrIn(new ReadOnlySpan<byte>(_names + (index * SockAddrSize), SockAddrSize), Headers[index].Header.NameLength);

    /// <summary>Copies a datagram and its IPv4 destination into slot <paramref name="index"/> for sending.</summary>
    public void Fill(int index, ReadOnlySpan<byte> datagram, Ipv4Endpoint to)
    {
        datagram.CopyTo(new Span<byte>(_buffers + ((nint)index * SlotSize), SlotSize));
        _iov[index].Length = (nuint)datagram.Length;
        WriteSockAddrIn(new Span<byte>(_names + (index * SockAddrSize), SockAddrSize), to);
        Headers[index].Header.NameLength = SockAddrInSize;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_names);
        NativeMemory.Free(_iov);
        NativeMemory.Free(Headers);
    }
}
