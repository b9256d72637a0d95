using DhtRpc.Routing;
using DhtRpc.Transport;
using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>What the request/response layer needs from the node that owns it.</summary>
internal interface IRpcHost
{
    /// <summary>The current routing table: our id on the wire and the closer nodes of replies.</summary>
    RoutingTable Table { get; }

    /// <summary>Receives every datagram either socket delivers.</summary>
    void OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from);

    /// <summary>Called after a request ran out of retries (and has already failed).</summary>
    void OnRequestTimeout(OutgoingRequest request);

    /// <summary>Queues work onto the node's context.</summary>
    void Post(Action action);
}
