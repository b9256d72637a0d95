namespace DhtRpc.Rpc;

/// <summary>A group of requests that can be cancelled together.</summary>
public sealed class DhtSession
{
    private readonly DhtNode _node;
    private readonly List<OutgoingRequest> _inflight = [];

    internal DhtSession(DhtNode node)
    {
        _node = node;
    }

    /// <summary>Requests of this session still in flight.</summary>
    public int Active => _inflight.Count;

    /// <summary>Fails every request of the session with <paramref name="error"/> (REQUEST_DESTROYED by default).</summary>
    public Task DestroyAsync(DhtException? error = null) => _node.RunOnContextAsync(() => Destroy(error ?? DhtException.Destroyed()));

    internal void Attach(OutgoingRequest request)
    {
        request.SessionIndex = _inflight.Count;
        _inflight.Add(request);
    }

    internal void Detach(OutgoingRequest request)
    {
        var i = request.SessionIndex;
        if (i < 0)
        {
            return;
        }

        request.SessionIndex = -1;
        var last = _inflight.Count - 1;
        if (i != last)
        {
            var moved = _inflight[last];
            _inflight[i] = moved;
            moved.SessionIndex = i;
        }

        _inflight.RemoveAt(last);
    }

    internal void Destroy(DhtException error)
    {
        while (_inflight.Count > 0)
        {
            var request = _inflight[0];
            request.Destroy(error);
            Detach(request);
        }
    }
}
