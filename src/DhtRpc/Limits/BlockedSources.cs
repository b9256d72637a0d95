namespace DhtRpc.Limits;

/// <summary>
/// Sources that just went over their request budget, readable from the receive thread: their next
/// requests are dropped there, before the node's context is taken or anything is decoded, so that a
/// flood costs the node as little as the kernel's copy. A source is held back until its bucket has
/// regained a request (at least a millisecond); it then goes through the budget again, so the budget
/// decides exactly as without the shortcut. One 64-bit slot per hash of the address, written and read
/// whole, so no lock is needed; two floods sharing a slot only lose the shortcut.
/// </summary>
internal sealed class BlockedSources
{
    private const int Slots = 256;
    private readonly long[] _slots = new long[Slots];
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _ticksPerMillisecond;
    private long _drops;

    public BlockedSources(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
        _ticksPerMillisecond = Math.Max(1, time.TimestampFrequency / 1000);
    }

    /// <summary>Requests dropped here (any thread).</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Holds <paramref name="address"/> back for <paramref name="duration"/> (node's context).</summary>
    public void Block(uint address, TimeSpan duration)
    {
        var until = (uint)(NowMs() + Math.Max(1, (long)duration.TotalMilliseconds));
        Volatile.Write(ref _slots[Index(address)], ((long)address << 32) | until);
    }

    /// <summary>True (and counted) when a request from <paramref name="address"/> is to be dropped now.</summary>
    public bool TryDrop(uint address)
    {
        var slot = Volatile.Read(ref _slots[Index(address)]);
        if (slot == 0 || (uint)(slot >> 32) != address || (int)((uint)slot - (uint)NowMs()) <= 0)
        {
            return false;
        }

        Interlocked.Increment(ref _drops);
        return true;
    }

    private static int Index(uint address) => (int)((address * 2654435761u) >> 24);

    private long NowMs() => (_time.GetTimestamp() - _start) / _ticksPerMillisecond;
}
