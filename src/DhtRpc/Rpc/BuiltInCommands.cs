using System.Buffers.Binary;
using DhtRpc.Crypto;
using DhtRpc.Threading;
using DhtRpc.Transport;
using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>
/// Answers the built-in commands (PING, PING_NAT, FIND_NODE, DOWN_HINT, DELAYED_PING); anything else
/// internal is UNKNOWN_COMMAND. Used from the node's context only.
/// </summary>
internal sealed class BuiltInCommands : IDisposable
{
    private readonly RpcIo _io;
    private readonly TimeSpan _maxPingDelay;
    private readonly Action<NodeId> _onDownHint;
    private readonly DelayedReplies _delayed;
    private readonly DhtStats _stats;

    /// <param name="io">Sends the replies.</param>
    /// <param name="context">Where delayed replies are sent from.</param>
    /// <param name="options">The delay limit and the clock.</param>
    /// <param name="onDownHint">Hears of each node a DOWN_HINT names.</param>
    /// <param name="stats">Counts what is malformed or refused.</param>
    public BuiltInCommands(RpcIo io, NodeContext context, DhtNodeOptions options, Action<NodeId> onDownHint, DhtStats stats)
    {
        _io = io;
        _maxPingDelay = options.MaxPingDelay;
        _onDownHint = onDownHint;
        _stats = stats;
        _delayed = new DelayedReplies(context, options, stats.Refused);
    }

    /// <summary>DELAYED_PING replies still owed.</summary>
    public int PendingDelayedReplies => _delayed.Count;

    /// <summary>Answers one internal request that arrived on <paramref name="socket"/>.</summary>
    public void Handle(IDatagramSocket socket, in RequestMessage message, Ipv4Endpoint from, NodeId? target)
    {
        // A valid token (checked before dispatch) proves the requester receives at its address.
        var proven = message.HasToken;
        switch (message.Command)
        {
            case Commands.Ping:
                _io.SendReply(socket, message.Tid, from, ReplyParams.Empty with { Proven = proven });
                return;
            case Commands.PingNat:
                OnPingNat(socket, message, from, proven);
                return;
            case Commands.FindNode:
                if (target is null)
                {
                    _stats.Dropped.Malformed++;
                    return;
                }

                _io.SendReply(socket, message.Tid, from, ReplyParams.CloserTo(target) with { Proven = proven });
                return;
            case Commands.DownHint:
                if (message.Value.Length < Ipv4Endpoint.EncodedSize)
                {
                    _stats.Dropped.Malformed++;
                    return;
                }

                _onDownHint(Blake2b.HashToId(message.Value[..Ipv4Endpoint.EncodedSize]));
                _io.SendReply(socket, message.Tid, from, ReplyParams.Empty with { Proven = proven });
                return;
            case Commands.DelayedPing:
                OnDelayedPing(socket, message, from, proven);
                return;
            default:
                _io.SendReply(socket, message.Tid, from, ReplyParams.CloserTo(target, ErrorCodes.UnknownCommand) with { Proven = proven });
                return;
        }
    }

    /// <summary>
    /// Answers on the port the requester names: proves whether that socket takes unsolicited traffic.
    /// Where limits apply, a source gets a few such answers a second, and never to a port below 1024
    /// (a service's, not a node's), so the command cannot aim traffic at someone else's socket.
    /// </summary>
    private void OnPingNat(IDatagramSocket socket, in RequestMessage message, Ipv4Endpoint from, bool proven)
    {
        if (message.Value.Length < 2 || BinaryPrimitives.ReadUInt16LittleEndian(message.Value) is not (> 0 and var port))
        {
            _stats.Dropped.Malformed++;
            return;
        }

        if (_io.BudgetsFor(from.Address) is { } budgets)
        {
            if (port < 1024)
            {
                _stats.Limited.PingNatsToPrivilegedPorts++;
                return;
            }

            if (!budgets.TakePingNat(from.Address))
            {
                _stats.Limited.PingNatsOverRate++;
                return;
            }
        }

        // Another port than the one that asked: a token proves the host, so it still counts for the reply.
        _io.SendReply(socket, message.Tid, from.WithPort(port), ReplyParams.Empty with { Proven = proven });
    }

    private void OnDelayedPing(IDatagramSocket socket, in RequestMessage message, Ipv4Endpoint from, bool proven)
    {
        if (message.Value.Length < 4)
        {
            _stats.Dropped.Malformed++;
            return;
        }

        var delay = TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt32LittleEndian(message.Value));
        if (delay > _maxPingDelay)
        {
            _stats.Refused.DelayedPingsTooLong++;
            return;
        }

        var tid = message.Tid;
        _delayed.TrySchedule(from, delay, () => _io.SendReply(socket, tid, from, ReplyParams.Empty with { Proven = proven }));
    }

    /// <summary>Cancels the delayed replies still waiting (the node is destroyed).</summary>
    public void Dispose() => _delayed.Dispose();
}
