using DhtRpc.Wire;
using DhtRpc.Query;

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

    /// <summary>Sends a user command to one node within this session (see <see cref="DhtNode.RequestAsync"/>).</summary>
    public Task<DhtResponse> RequestAsync(DhtRequest request, Ipv4Endpoint to, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        _node.RequestAsync(request, to, (options ?? RequestOptions.Default) with { Session = this }, cancellationToken);

    /// <summary>PING within this session.</summary>
    public Task<DhtResponse> PingAsync(Ipv4Endpoint to, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        _node.PingAsync(to, 0, (options ?? RequestOptions.Default) with { Session = this }, cancellationToken);

    /// <summary>Runs an iterative query whose requests belong to this session.</summary>
#pragma warning disable VSTHRD200 // A query is a stream object, not a single awaitable.
    public DhtQuery Query(NodeId target, ulong command, byte[]? value = null, QueryOptions? options = null) =>
        _node.Query(target, command, value, (options ?? QueryOptions.Default) with { Session = this });
#pragma warning restore VSTHRD200

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
