using DhtRpc.Rpc;
using DhtRpc.Wire;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Joining;

/// <summary>
/// Joining (spec §7): bind both sockets, walk toward our own id (at most twice), test the firewall
/// when a quick PING_NAT suggests we may be reachable (or always, for a node forced persistent),
/// then report the node ready. Runs once, on the node's context, right after construction.
/// </summary>
internal sealed partial class NodeJoin
{
    private readonly DhtNode _node;
    private readonly PersistenceCheck _persistence;
    private readonly OneShotEvent _listening;
    private readonly OneShotEvent _ready;
    private readonly bool _quickFirewall;
    private readonly bool _forcePersistent;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeJoin(DhtNode node, PersistenceCheck persistence, OneShotEvent listening, OneShotEvent ready, ILogger logger)
    {
        _node = node;
        _persistence = persistence;
        _listening = listening;
        _ready = ready;
        _quickFirewall = node.Options.QuickFirewall;
        _forcePersistent = node.Options.Ephemeral == false;
        _logger = logger;
    }

    /// <summary>Completes once the node has joined; faults when joining failed or the node was destroyed first.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Runs the join; its outcome goes to <see cref="Completion"/>.</summary>
    public async Task RunAsync()
    {
        try
        {
            await JoinAsync().ConfigureAwait(true);
            _completion.TrySetResult();
        }
        catch (Exception e) when (e is DhtException or ObjectDisposedException)
        {
            LogBootstrapFailed(_logger, e);
            _completion.TrySetException(e);
        }
    }

    /// <summary>The node was destroyed: a join still running can no longer succeed.</summary>
    public void Abandon() => _completion.TrySetException(DhtException.NodeIsDestroyed());

    private async Task JoinAsync()
    {
        var node = _node;
        if (node.Destroyed)
        {
            throw DhtException.NodeIsDestroyed();
        }

        var io = node.Io;
        io.Bind();
        LogListening(_logger, io.ServerSocket!.LocalEndpoint, io.ClientSocket!.LocalEndpoint);
        _listening.Raise();

        var quickTestPending = node.Firewalled && _quickFirewall && !_forcePersistent;
        var natTestWanted = false;
        var onlyFirewall = !_forcePersistent;

        for (var round = 0; round < 2; round++)
        {
            var query = node.BackgroundQuery(node.TableId, joining: true);
            query.OnReply += reply =>
            {
                // Quick heuristic: one PING_NAT to the first responder; if it gets back to our
                // server socket before the walk ends, a full firewall test is worth running.
                if (!quickTestPending)
                {
                    return;
                }

                quickTestPending = false;
                var ping = RequestParams.Internal(Commands.PingNat, FirewallProbe.ServerPortValue(io));
                io.Send(reply.From, ping, (_, _) =>
                {
                    LogQuickTestAnswered(_logger, reply.From.Endpoint);
                    natTestWanted = true;
                });
            };
            await query.Completion.ConfigureAwait(true);
            if (node.Destroyed)
            {
                throw DhtException.NodeIsDestroyed();
            }

            LogWalkDone(_logger, round + 1, node.Nodes.Count, natTestWanted);
            if (node.Bootstrapped || (!natTestWanted && !_forcePersistent))
            {
                break;
            }

            if (!await _persistence.RunAsync(onlyFirewall).ConfigureAwait(true))
            {
                break;
            }
        }

        if (node.Bootstrapped)
        {
            return;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogBootstrapped(_logger, node.Id is { } id ? id.ToString() : "ephemeral", node.Nodes.Count, node.Firewalled);
        }

        _ready.Raise();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Listening on server {Server} and client {Client}")]
    private static partial void LogListening(ILogger logger, Ipv4Endpoint server, Ipv4Endpoint client);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Join walk {Round} done: {Nodes} nodes in the table, firewall test wanted {TestWanted}")]
    private static partial void LogWalkDone(ILogger logger, int round, int nodes, bool testWanted);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Quick firewall test: {From} reached our server socket")]
    private static partial void LogQuickTestAnswered(ILogger logger, Ipv4Endpoint from);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Bootstrapped: id {Id}, {Nodes} nodes in the table, firewalled {Firewalled}")]
    private static partial void LogBootstrapped(ILogger logger, string id, int nodes, bool firewalled);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Bootstrap failed")]
    private static partial void LogBootstrapFailed(ILogger logger, Exception error);
}
