using System.Buffers;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Rpc;

/// <summary>Responses: encoded on the stack, held to the caps for addresses that have not proven they receive.</summary>
internal sealed partial class RpcIo
{
    /// <summary>Sends a response to <paramref name="to"/> from <paramref name="socket"/>.</summary>
    public void SendReply(IDatagramSocket? socket, ushort tid, Ipv4Endpoint to, in ReplyParams reply)
    {
        if (socket is null)
        {
            return;
        }

        Span<byte> id = stackalloc byte[NodeId.Size];
        Span<byte> token = stackalloc byte[NodeId.Size];
        var withId = !Ephemeral && socket == ServerSocket;
        if (withId)
        {
            _host.Table.Id.WriteTo(id);
        }

        if (reply.WithToken)
        {
            Secrets.Create(to, token);
        }

        var closerCount = 0;
        if (reply.WithCloserNodes && reply.Target is { } target)
        {
            _closestScratch.Clear();
            var table = _host.Table;
            closerCount = table.Closest(target, table.K, _closestScratch);
        }

        Span<byte> closer = stackalloc byte[closerCount * Ipv4Endpoint.EncodedSize];
        for (var i = 0; i < closerCount; i++)
        {
            _closestScratch[i].Endpoint.WriteTo(closer[(i * Ipv4Endpoint.EncodedSize)..]);
        }

        var message = new ResponseMessage
        {
            Tid = tid,
            To = to,
            Id = withId ? id : default,
            Token = reply.WithToken ? token : default,
            CloserNodesRaw = closer,
            Error = reply.Error,
            HasValue = reply.Value is not null,
            Value = reply.Value,
        };
        var budgets = reply.Proven ? null : BudgetsFor(to.Address);
        if (budgets is not null && message.EncodedSize > budgets.Limits.MaxUnprovenReplyBytes)
        {
            // Too large for an address that never proved it asked: hand it a token to ask again with.
            Stats.Limited.RepliesCutToTokenRequired++;
            if (!reply.WithToken)
            {
                Secrets.Create(to, token);
                message.Token = token;
            }

            message.Error = ErrorCodes.TokenRequired;
            message.HasValue = false;
            message.Value = default;
        }

        var size = message.EncodedSize;
        if (budgets is not null && !budgets.TakeUnprovenBytes(to.Address, size))
        {
            Stats.Limited.UnprovenRepliesOverBytes++;
            return;
        }

        byte[]? rented = null;
        var buffer = size <= StackReplyLimit ? stackalloc byte[StackReplyLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            var length = message.Encode(buffer);
            socket.Send(buffer[..length], to);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
