namespace DhtRpc.Joining;

/// <summary>
/// An event that happens once. The node starts on its own context right after construction, so a
/// handler added a moment later must still hear about a state the node has already reached: such a
/// handler is called at once. Safe to use from any thread.
/// </summary>
internal sealed class OneShotEvent
{
    private readonly Lock _gate = new();
    private Action? _handlers;

    /// <summary>True once <see cref="Raise"/> ran.</summary>
    public bool Happened { get; private set; }

    public void Add(Action? handler)
    {
        if (handler is null)
        {
            return;
        }

        bool callNow;
        lock (_gate)
        {
            callNow = Happened;
            if (!callNow)
            {
                _handlers += handler;
            }
        }

        if (callNow)
        {
            handler();
        }
    }

    public void Remove(Action? handler)
    {
        lock (_gate)
        {
            _handlers -= handler;
        }
    }

    /// <summary>Marks the event as happened and calls (then forgets) the handlers added so far.</summary>
    public void Raise()
    {
        Action? toCall;
        lock (_gate)
        {
            Happened = true;
            toCall = _handlers;
            _handlers = null;
        }

        toCall?.Invoke();
    }
}
