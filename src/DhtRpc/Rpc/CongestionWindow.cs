namespace DhtRpc.Rpc;

/// <summary>
/// Caps datagrams in flight: four 750 ms slots; full when the current slot reaches maxWindow or the
/// four together reach twice that.
/// </summary>
internal sealed class CongestionWindow
{
    private readonly int[] _slots = new int[4];
    private int _current;
    private int _total;

    public CongestionWindow(int maxWindow)
    {
        MaxWindow = maxWindow;
    }

    public int MaxWindow { get; }

    public bool IsFull => _total >= 2 * MaxWindow || _slots[_current] >= MaxWindow;

    public void Send()
    {
        _total++;
        _slots[_current]++;
    }

    public void Receive()
    {
        if (_slots[_current] > 0)
        {
            _slots[_current]--;
            _total--;
        }
    }

    /// <summary>Every 750 ms: move to the next slot and forget what it counted.</summary>
    public void Drain()
    {
        _current = (_current + 1) & 3;
        _total -= _slots[_current];
        _slots[_current] = 0;
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _current = 0;
        _total = 0;
    }
}
