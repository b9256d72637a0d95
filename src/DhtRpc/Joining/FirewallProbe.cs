using System.Buffers.Binary;
using DhtRpc.Nat;
using DhtRpc.Rpc;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Joining;

/// <summary>
/// The firewall test (spec §7.2): asks up to five nodes to PING_NAT our server socket; we are open
/// when enough of the replies arrived there and agree with our address estimate.
/// </summary>
internal sealed partial class FirewallProbe
{
    private const int WantedNodes = 5;

    private readonly RpcIo _io;
    private readonly BootstrapResolver _bootstrap;
    private readonly ILogger _logger;

    public FirewallProbe(RpcIo io, BootstrapResolver bootstrap, ILogger logger)
    {
        _io = io;
        _bootstrap = bootstrap;
        _logger = logger;
    }

    /// <summary>A PING_NAT value: the port the answer should be sent to (our server socket's).</summary>
    public static byte[] ServerPortValue(RpcIo io)
    {
        var value = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(value, io.ServerSocket?.LocalEndpoint.Port ?? 0);
        return value;
    }

    /// <summary>
    /// Runs the test. <paramref name="nodes"/> are the most recently seen table nodes (at most five);
    /// bootstrap nodes are added when there are fewer. Replies that reached the server socket feed
    /// <paramref name="sampler"/>. True when we are (still) firewalled.
    /// </summary>
    /// <param name="nodes">Whom to ask first.</param>
    /// <param name="sampler">Collects the addresses the open replies report.</param>
    /// <param name="natHost">Our public host as the node's own estimate has it once the replies are in.</param>
    public async Task<bool> IsFirewalledAsync(List<DhtPeer> nodes, NatSampler sampler, Func<uint?> natHost)
    {
        if (nodes.Count < WantedNodes)
        {
            await foreach (var peer in _bootstrap.ResolveAsync().ConfigureAwait(true))
            {
                nodes.Add(peer);
            }
        }

        if (nodes.Count == 0 || _io.ServerSocket is null)
        {
            LogNoProbe(_logger);
            return true;
        }

        var serverPort = _io.ServerSocket.LocalEndpoint.Port;
        var probe = _io.ServerSocketProbe ??= [];
        var wanted = nodes.Count >= WantedNodes ? 3 : 1;
        var replies = await RequestAllAsync(nodes, reply => probe.Contains(reply.From.Endpoint.Address), wanted).ConfigureAwait(true);
        _io.ServerSocketProbe = null;

        var count = 0;
        foreach (var reply in replies)
        {
            if (probe.Contains(reply.From.Endpoint.Address))
            {
                count++;
                sampler.Add(reply.To);
            }
        }

        var firewalled = count < wanted ||
            sampler.Host is null || natHost() != sampler.Host || sampler.Port == 0 || sampler.Port != serverPort;
        LogResult(_logger, nodes.Count, replies.Count, count, firewalled);
        return firewalled;
    }

    /// <summary>
    /// PING_NAT to every node; done when all have answered or failed, or as soon as
    /// <paramref name="wanted"/> replies reached our server socket (enough to decide): a dead node
    /// among the asked would otherwise hold the join up for all its retries.
    /// </summary>
    private Task<List<DhtResponse>> RequestAllAsync(List<DhtPeer> nodes, Func<DhtResponse, bool> reachedServer, int wanted)
    {
        var value = ServerPortValue(_io);
        var replies = new List<DhtResponse>();
        var tcs = new TaskCompletionSource<List<DhtResponse>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var missing = nodes.Count;
        var reached = 0;
        void Done()
        {
            if (--missing == 0 || reached >= wanted)
            {
                tcs.TrySetResult([.. replies]);
            }
        }

        var request = RequestParams.Internal(Commands.PingNat, value);
        foreach (var node in nodes)
        {
            var sent = _io.Send(
                node,
                request,
                (reply, _) =>
                {
                    replies.Add(reply);
                    reached += reachedServer(reply) ? 1 : 0;
                    Done();
                },
                (_, _) => Done());
            if (sent is null)
            {
                tcs.TrySetResult(replies);
                break;
            }
        }

        return tcs.Task;
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Firewall probe: asked {Asked} nodes, {Replies} replied, {Open} of them reached the server socket; firewalled {Firewalled}")]
    private static partial void LogResult(ILogger logger, int asked, int replies, int open, bool firewalled);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Debug, Message = "Firewall probe skipped: no node to ask or no server socket")]
    private static partial void LogNoProbe(ILogger logger);
}
