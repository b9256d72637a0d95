using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Threading;
using DhtRpc.Transport;
using Microsoft.Extensions.Logging;

namespace DhtRpc;

/// <summary>What arrives: decode, validate, answer built-in commands, hand user commands to the application.</summary>
public sealed partial class DhtNode
{
    /// <summary>
    /// Raised on the node's context for every request that arrives with a valid (or no) token, built-in commands
    /// included, just before it is answered. Handlers run on the receive path: keep them short.
    /// </summary>
    public event Action<ReceivedRequest>? RequestReceived;

    /// <summary>
    /// Socket callback: processed in place when already on the node's context (simulation) or when the
    /// node's serial context is idle (a real socket's receive loop); otherwise copied and posted.
    /// </summary>
    internal void OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
    {
        if (_blocked is { } blocked && datagram.Length > 0 && datagram[0] == MessageType.Request && blocked.TryDrop(from.Address))
        {
            return;
        }

        if (IsOnContext)
        {
            ProcessDatagram(socket, datagram, from);
            return;
        }

        if (_context.Context is SerialSynchronizationContext serial &&
            serial.TryRunInline(static (state, data) => state.Node.ProcessDatagram(state.Socket, data, state.From), (Node: this, Socket: socket, From: from), datagram, waitBriefly: true))
        {
            return;
        }

        var copy = datagram.ToArray();
        Post(() => ProcessDatagram(socket, copy, from));
    }

    private void ProcessDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
    {
        if (Io.ServerSocketProbe is { } probe && socket == Io.ServerSocket)
        {
            probe.Add(from.Address);
        }

        if (datagram.Length < 2 || from.Port == 0)
        {
            Stats.Dropped.TooShort++;
            return;
        }

        if (Io.Suspended || (socket != Io.ServerSocket && socket != Io.ClientSocket))
        {
            Stats.Dropped.WhileSuspended++;
            return;
        }

        var external = socket != Io.RequestSocket;
        switch (datagram[0])
        {
            case MessageType.Request:
                if (Io.BudgetsFor(from.Address) is { } budgets && !TakeRequestBudget(budgets, from))
                {
                    return;
                }

                if (!RequestMessage.TryDecode(datagram, out var request))
                {
                    Stats.Dropped.Malformed++;
                    return;
                }

                HandleRequest(socket, request, from, external);
                return;
            case MessageType.Response:
                if (!ResponseMessage.TryDecode(datagram, out var response))
                {
                    Stats.Dropped.Malformed++;
                    return;
                }

                HandleResponse(response, from, external);
                return;
            default:
                Stats.Dropped.UnknownType++;
                return;
        }
    }

    /// <summary>Charges a request to its source's budget and the global one; false (counted) when over either.</summary>
    private bool TakeRequestBudget(Limits.SourceBudgets budgets, Ipv4Endpoint from)
    {
        switch (budgets.TakeRequest(from.Address))
        {
            case Limits.RequestVerdict.OverSourceRate:
                Stats.Limited.CountOverSourceRate();
                return false;
            case Limits.RequestVerdict.OverGlobalRate:
                Stats.Limited.RequestsOverGlobalRate++;
                return false;
            default:
                return true;
        }
    }

    /// <summary>The id a message carries counts only if it is the hash of the address it came from.</summary>
    private static NodeId? ValidatedId(ReadOnlySpan<byte> id, in Ipv4Endpoint from)
    {
        if (id.Length != NodeId.Size)
        {
            return null;
        }

        var expected = Blake2b.NodeIdOf(from);
        return expected == NodeId.Read(id) ? expected : null;
    }

    private void HandleRequest(IDatagramSocket socket, in RequestMessage message, Ipv4Endpoint from, bool external)
    {
        Stats.Traffic?.CountReceived(message.Internal, message.Command);
        NodeId? target = message.HasTarget ? NodeId.Read(message.Target) : null;
        if (message.HasToken && !Io.Secrets.Verify(from, message.Token))
        {
            Stats.Dropped.InvalidTokens++;
            Io.SendReply(socket, message.Tid, from, ReplyParams.CloserTo(target, ErrorCodes.InvalidToken) with { WithToken = true });
            return;
        }

        var fromId = ValidatedId(message.Id, from);
        RequestReceived?.Invoke(new ReceivedRequest(new DhtPeer(from, fromId), message.Command, message.Internal, target, message.HasToken));
        if (fromId is not null)
        {
            _keeper.AddNodeFromNetwork(!external, new DhtPeer(from, fromId), message.To);
        }

        if (message.Internal)
        {
            _builtIn.Handle(socket, message, from, target);
            return;
        }

        var handler = RequestHandler;
        if (handler is null)
        {
            Io.SendReply(socket, message.Tid, from, ReplyParams.CloserTo(target, ErrorCodes.UnknownCommand) with { Proven = message.HasToken });
            return;
        }

        var incoming = new IncomingRequest(
            this,
            socket,
            message.Tid,
            new DhtPeer(from, fromId),
            message.To,
            message.HasToken ? message.Token.ToArray() : null,
            isInternal: false,
            message.Command,
            target,
            message.HasValue ? message.Value.ToArray() : null);
        try
        {
            handler(incoming);
        }
#pragma warning disable CA1031 // A faulty application handler must not take the receive path down; it is counted and logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Stats.Dropped.HandlerErrors++;
            LogHandlerError(_logger, message.Command, from, e);
        }
    }

    private void HandleResponse(in ResponseMessage message, Ipv4Endpoint from, bool external)
    {
        var request = Io.TakeInflight(message.Tid);
        if (request is null)
        {
            Stats.Dropped.UnmatchedResponses++;
            return;
        }

        var rtt = Options.TimeProvider.GetElapsedTime(request.StartTimestamp);
        Io.RecordRoundTrip(request, rtt);
        var response = new DhtResponse(message, new DhtPeer(from, ValidatedId(message.Id, from)), rtt);
        _keeper.AddNodeFromNetwork(!external, response.From, response.To);
        if (response.Error == ErrorCodes.TokenRequired && response.Token is { } token && Io.Reissue(request, token))
        {
            return;
        }

        request.OnResponse?.Invoke(response, request);
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Error, Message = "The request handler threw for command {Command} from {From}")]
    private static partial void LogHandlerError(ILogger logger, ulong command, Ipv4Endpoint from, Exception error);
}
