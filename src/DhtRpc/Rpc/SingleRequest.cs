using DhtRpc.Threading;
using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>
/// One request as a task (<see cref="DhtNode.RequestAsync"/>, pings): error replies resolve; only
/// timeouts, cancellation and a destroyed node fail it.
/// </summary>
internal static class SingleRequest
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="to"/> from the node's context.</summary>
    public static Task<DhtResponse> SendAsync(NodeContext context, RpcIo io, Ipv4Endpoint to, RequestParams request, RequestOptions options, CancellationToken cancellationToken)
    {
        if (options.Ttl is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ttl, "RequestOptions.Ttl must be 0 (the system default) to 255.");
        }

        var tcs = new TaskCompletionSource<DhtResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Run(() =>
        {
            var outgoing = io.CreateRequest(new DhtPeer(to, null), request);
            if (outgoing is null)
            {
                tcs.TrySetException(DhtException.NodeIsDestroyed());
                return;
            }

            if (options.Socket is not null)
            {
                outgoing.Socket = options.Socket;
            }

            if (!options.Retry)
            {
                outgoing.Retries = 0;
            }

            outgoing.Timeout = options.Timeout;
            outgoing.Ttl = options.Ttl;
            outgoing.OnResponse = (response, _) => tcs.TrySetResult(response);
            outgoing.OnError = (error, _) => tcs.TrySetException(error);
            if (cancellationToken.CanBeCanceled)
            {
                var registration = cancellationToken.Register(() => context.Run(() => outgoing.Destroy(DhtException.Destroyed())));
                _ = tcs.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            outgoing.Send();
        });
        return tcs.Task;
    }
}
